// CRC-32C of a byte range on x86-64 (see crc32c.c). crc32c_init() once first: false when the CPU lacks
// SSE 4.2, and then crc32c() must not be called.
#ifndef CKAFKA_CRC32C_H
#define CKAFKA_CRC32C_H
#include <stddef.h>
#include <stdint.h>
int crc32c_init(void);
uint32_t crc32c(const unsigned char *buf, size_t len);
#endif
