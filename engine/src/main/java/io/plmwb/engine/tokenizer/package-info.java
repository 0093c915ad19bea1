/** The checkpoint's HF tokenizer (through DJL), special tokens, ChatML prompts and streaming token display. */
package io.plmwb.engine.tokenizer;
