// CRC-32C (Castagnoli), the checksum of TFRecord framing, and TensorFlow's masked form of it.
#pragma once

#include <cstdint>
#include <string_view>

namespace genc::runtime {

/// CRC-32C of `bytes` (reflected polynomial 0x82F63B78; crc32c("123456789") = 0xE3069283).
uint32_t crc32c(std::string_view bytes);

/// TFRecord's masked CRC: ((crc >> 15) | (crc << 17)) + 0xa282ead8 of crc32c(bytes).
uint32_t masked_crc32c(std::string_view bytes);

}  // namespace genc::runtime
