/** The embedded inference engine: model formats, the PLM graph builder, the ONNX Runtime session, probes. */
package io.plmwb.engine;
