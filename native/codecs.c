// The consumer's native codecs: liblz4's block decoder (the reference C code, in ./lz4) behind N-API.
// It decodes into a region of the caller's buffer, so reading a batch allocates nothing (the published
// native lz4 modules return a new buffer per call). scripts/build.mjs compiles it for SCF's linux-x64;
// src/kafka/codecs/native.ts loads it and falls back to WebAssembly without it.
#include <node_api.h>
#include "lz4/lz4.h"

// The bytes of a Uint8Array argument (a Buffer is one); false when it is not one.
static int bytes_of(napi_env env, napi_value value, char **data, size_t *length) {
  bool is_typedarray = false;
  if (napi_is_typedarray(env, value, &is_typedarray) != napi_ok || !is_typedarray) return 0;
  napi_typedarray_type type;
  void *base;
  if (napi_get_typedarray_info(env, value, &type, length, &base, NULL, NULL) != napi_ok || type != napi_uint8_array) return 0;
  *data = base;
  return 1;
}

static int index_of(napi_env env, napi_value value, uint32_t *out) {
  return napi_get_value_uint32(env, value, out) == napi_ok;
}

// lz4DecodeBlock(src, srcStart, srcEnd, dst, dstStart, dstEnd): decodes the LZ4 block src[srcStart, srcEnd)
// into dst[dstStart, dstEnd) and returns the bytes written, or -1 when the block is malformed or does not
// fit. Throws a TypeError on arguments that do not describe those ranges.
static napi_value lz4_decode_block(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  char *src, *dst;
  size_t src_length, dst_length;
  uint32_t src_start, src_end, dst_start, dst_end;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 6 ||
      !bytes_of(env, argv[0], &src, &src_length) || !index_of(env, argv[1], &src_start) || !index_of(env, argv[2], &src_end) ||
      !bytes_of(env, argv[3], &dst, &dst_length) || !index_of(env, argv[4], &dst_start) || !index_of(env, argv[5], &dst_end) ||
      src_start > src_end || src_end > src_length || dst_start > dst_end || dst_end > dst_length ||
      src_end - src_start > LZ4_MAX_INPUT_SIZE || dst_end - dst_start > 0x7fffffff) {
    napi_throw_type_error(env, NULL, "lz4DecodeBlock(src, srcStart, srcEnd, dst, dstStart, dstEnd): bad arguments");
    return NULL;
  }
  int written = LZ4_decompress_safe(src + src_start, dst + dst_start, (int)(src_end - src_start), (int)(dst_end - dst_start));
  napi_value result;
  napi_create_int32(env, written < 0 ? -1 : written, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "lz4DecodeBlock", NAPI_AUTO_LENGTH, lz4_decode_block, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "lz4DecodeBlock", fn) != napi_ok) return NULL;
  return exports;
}
