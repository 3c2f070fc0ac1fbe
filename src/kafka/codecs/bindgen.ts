// Calling a Rust function `fn(&[u8]) -> Result<Vec<u8>, JsValue>` compiled by wasm-bindgen (snappy-wasm,
// lz4-wasm-nodejs) through its module's exports rather than its JavaScript glue: the glue copies every
// output into a new array, one allocation per batch that V8 frees late. Here the input is written into
// the module's memory and the output read there (the caller copies it into its own buffer) and freed at
// the next call.

/** The exports every wasm-bindgen module of that generation has (the pinned versions' names). */
export interface BindgenExports {
  memory: { buffer: ArrayBuffer };
  __wbindgen_malloc(size: number): number;
  __wbindgen_free(ptr: number, size: number): void;
  __wbindgen_add_to_stack_pointer(delta: number): number;
}

export class BindgenBytesFunction {
  /** The output of the previous call: a view into it stays valid until the next call frees it. */
  private held: { ptr: number; len: number } | undefined;

  constructor(
    private readonly wasm: BindgenExports,
    private readonly call: (retptr: number, ptr: number, len: number) => void,
    /** The function's own error message for an input it refused (the glue's copying path throws it). */
    private readonly explain: (input: Uint8Array) => string,
  ) {}

  /**
   * Runs the function on `length` bytes that `write` puts into the module's memory at the given address;
   * returns the output as a view into that memory, valid until the next call.
   */
  run(length: number, write: (memory: Uint8Array, at: number) => void): Uint8Array {
    const wasm = this.wasm;
    if (this.held) wasm.__wbindgen_free(this.held.ptr, this.held.len);
    this.held = undefined;
    const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
    try {
      // The input allocation passes to the Rust side, which frees it.
      const ptr = wasm.__wbindgen_malloc(length);
      write(new Uint8Array(wasm.memory.buffer), ptr);
      this.call(retptr, ptr, length);
      const result = new Int32Array(wasm.memory.buffer, retptr, 4);
      const [outPtr, outLen, failed] = [result[0]!, result[1]!, result[3]!];
      if (failed) {
        const input = new Uint8Array(length);
        write(input, 0);
        throw new Error(this.explain(input));
      }
      this.held = { ptr: outPtr, len: outLen };
      return new Uint8Array(wasm.memory.buffer, outPtr, outLen);
    } finally {
      wasm.__wbindgen_add_to_stack_pointer(16);
    }
  }
}

/** The message a glue function throws for `input`. */
export function thrownBy(fn: (input: Uint8Array) => unknown, input: Uint8Array): string {
  try {
    fn(input);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return 'invalid data';
}
