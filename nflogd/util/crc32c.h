/* SPDX-License-Identifier: GPL-2.0-or-later */
/* crc32c.h - CRC-32C (Castagnoli), hardware-accelerated where the CPU has it. */
#ifndef NFLOGD_CRC32C_H
#define NFLOGD_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* crc32c - CRC-32C of buf[0..len), standard init/final XOR (check value of
 * "123456789" is 0xe3069283). Safe to call from any thread at any time. */
uint32_t crc32c(const void *buf, size_t len);

#endif
