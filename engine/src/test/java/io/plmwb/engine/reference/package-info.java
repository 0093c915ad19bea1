/** A plain-Java reference forward pass used to check the ONNX graphs. */
package io.plmwb.engine.reference;
