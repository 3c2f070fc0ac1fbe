// The consumer's native codecs: the reference decoders of lz4 (liblz4, in ./lz4), snappy (Google's, in
// ./snappy) and zstd (libzstd's decoder, in ./zstd) behind N-API, and the batches' CRC-32C (crc32c.c). Each decodes into a region of the caller's buffer, so reading a batch
// allocates nothing (the published native modules return a new buffer per call). scripts/build.mjs
// compiles it for SCF's linux-x64; src/kafka/codecs/native.ts loads it and falls back to WebAssembly
// without it.
#include <node_api.h>
#include "lz4/lz4.h"
#include "snappy/snappy-c.h"
#include "zstd/lib/zstd.h"
#include "crc32c.h"

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

// The arguments every decoder takes: (src, srcStart, srcEnd, dst, dstStart, dstEnd), the encoded range and
// the room it may decode into. Throws a TypeError naming `usage` and returns 0 when they do not describe
// those ranges.
static int ranges_of(napi_env env, napi_callback_info info, const char *usage, const char **src, size_t *src_length, char **dst, size_t *dst_length) {
  size_t argc = 6;
  napi_value argv[6];
  char *src_base, *dst_base;
  size_t src_bytes, dst_bytes;
  uint32_t src_start, src_end, dst_start, dst_end;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 6 ||
      !bytes_of(env, argv[0], &src_base, &src_bytes) || !index_of(env, argv[1], &src_start) || !index_of(env, argv[2], &src_end) ||
      !bytes_of(env, argv[3], &dst_base, &dst_bytes) || !index_of(env, argv[4], &dst_start) || !index_of(env, argv[5], &dst_end) ||
      src_start > src_end || src_end > src_bytes || dst_start > dst_end || dst_end > dst_bytes) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  *src = src_base + src_start;
  *src_length = src_end - src_start;
  *dst = dst_base + dst_start;
  *dst_length = dst_end - dst_start;
  return 1;
}

static napi_value int32_of(napi_env env, int32_t value) {
  napi_value result;
  napi_create_int32(env, value, &result);
  return result;
}

// lz4DecodeBlock(src, srcStart, srcEnd, dst, dstStart, dstEnd): decodes the LZ4 block src[srcStart, srcEnd)
// into dst[dstStart, dstEnd) and returns the bytes written, or -1 when the block is malformed or does not
// fit.
static napi_value lz4_decode_block(napi_env env, napi_callback_info info) {
  const char *src;
  char *dst;
  size_t src_length, dst_length;
  if (!ranges_of(env, info, "lz4DecodeBlock(src, srcStart, srcEnd, dst, dstStart, dstEnd): bad arguments", &src, &src_length, &dst, &dst_length)) return NULL;
  // liblz4 counts in ints.
  if (src_length > LZ4_MAX_INPUT_SIZE) return int32_of(env, -1);
  if (dst_length > 0x7fffffff) dst_length = 0x7fffffff;
  int written = LZ4_decompress_safe(src, dst, (int)src_length, (int)dst_length);
  return int32_of(env, written < 0 ? -1 : written);
}

// snappyDecode(src, srcStart, srcEnd, dst, dstStart, dstEnd): decodes the raw snappy block
// src[srcStart, srcEnd) into dst[dstStart, dstEnd) and returns the bytes written, or -1 when the block is
// malformed or declares more than fits.
static napi_value snappy_decode(napi_env env, napi_callback_info info) {
  const char *src;
  char *dst;
  size_t src_length, dst_length;
  if (!ranges_of(env, info, "snappyDecode(src, srcStart, srcEnd, dst, dstStart, dstEnd): bad arguments", &src, &src_length, &dst, &dst_length)) return NULL;
  size_t written = dst_length;
  if (snappy_uncompress(src, src_length, dst, &written) != SNAPPY_OK || written > 0x7fffffff) return int32_of(env, -1);
  return int32_of(env, (int32_t)written);
}

// zstdDecode(src, srcStart, srcEnd, dst, dstStart, dstEnd): decodes the zstd frames src[srcStart, srcEnd)
// into dst[dstStart, dstEnd) and returns the bytes written, or minus libzstd's error code (70 when the
// output needs more room). The decoding context is this Node.js environment's own, reused call after call.
static napi_value zstd_decode(napi_env env, napi_callback_info info) {
  const char *src;
  char *dst;
  size_t src_length, dst_length;
  if (!ranges_of(env, info, "zstdDecode(src, srcStart, srcEnd, dst, dstStart, dstEnd): bad arguments", &src, &src_length, &dst, &dst_length)) return NULL;
  ZSTD_DCtx *dctx;
  if (napi_get_instance_data(env, (void **)&dctx) != napi_ok || dctx == NULL) {
    napi_throw_error(env, NULL, "zstdDecode: no decoding context");
    return NULL;
  }
  if (dst_length > 0x7fffffff) dst_length = 0x7fffffff;
  size_t written = ZSTD_decompressDCtx(dctx, dst, dst_length, src, src_length);
  return int32_of(env, ZSTD_isError(written) ? -(int32_t)ZSTD_getErrorCode(written) : (int32_t)written);
}

// The arguments of a function over one range: (src, srcStart, srcEnd). Throws a TypeError naming `usage`
// and returns 0 when they do not describe a range of src.
static int range_of(napi_env env, napi_callback_info info, const char *usage, const char **src, size_t *length) {
  size_t argc = 3;
  napi_value argv[3];
  char *base;
  size_t bytes;
  uint32_t start, end;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3 || !bytes_of(env, argv[0], &base, &bytes) ||
      !index_of(env, argv[1], &start) || !index_of(env, argv[2], &end) || start > end || end > bytes) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  *src = base + start;
  *length = end - start;
  return 1;
}

// zstdFrameContentSize(src, srcStart, srcEnd): the decompressed size the first frame's header declares, -1
// when it declares none (streaming producers such as the Java client), -2 when the bytes are not a frame.
static napi_value zstd_frame_content_size(napi_env env, napi_callback_info info) {
  const char *src;
  size_t length;
  if (!range_of(env, info, "zstdFrameContentSize(src, srcStart, srcEnd): bad arguments", &src, &length)) return NULL;
  unsigned long long size = ZSTD_getFrameContentSize(src, length);
  napi_value result;
  napi_create_double(env, size == ZSTD_CONTENTSIZE_UNKNOWN ? -1 : size == ZSTD_CONTENTSIZE_ERROR ? -2 : (double)size, &result);
  return result;
}

// crc32c(src, srcStart, srcEnd): the CRC-32C of src[srcStart, srcEnd), an unsigned 32-bit number.
static napi_value crc32c_of(napi_env env, napi_callback_info info) {
  const char *src;
  size_t length;
  if (!range_of(env, info, "crc32c(src, srcStart, srcEnd): bad arguments", &src, &length)) return NULL;
  napi_value result;
  napi_create_uint32(env, crc32c((const unsigned char *)src, length), &result);
  return result;
}

static void free_dctx(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  ZSTD_freeDCtx((ZSTD_DCtx *)data);
}

static int export_function(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) == napi_ok && napi_set_named_property(env, exports, name, fn) == napi_ok;
}

NAPI_MODULE_INIT() {
  // One zstd context per environment (the main thread, each worker): contexts are not shared across threads.
  ZSTD_DCtx *dctx = ZSTD_createDCtx();
  if (dctx == NULL || napi_set_instance_data(env, dctx, free_dctx, NULL) != napi_ok) {
    ZSTD_freeDCtx(dctx);
    return NULL;
  }
  if (!export_function(env, exports, "lz4DecodeBlock", lz4_decode_block) || !export_function(env, exports, "snappyDecode", snappy_decode) ||
      !export_function(env, exports, "zstdDecode", zstd_decode) || !export_function(env, exports, "zstdFrameContentSize", zstd_frame_content_size)) return NULL;
  // Offered only where the CPU has the crc32 instruction; src/kafka/crc.ts falls back to @node-rs/crc32.
  if (crc32c_init() && !export_function(env, exports, "crc32c", crc32c_of)) return NULL;
  return exports;
}
