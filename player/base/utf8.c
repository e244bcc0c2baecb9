// utf8: a strict decoder (RFC 3629): no overlongs, no surrogates, <= U+10FFFF.
#include "base/utf8.h"

static uint32_t invalid(size_t *offset)
{
    (*offset)++;
    return UTF8_INVALID;
}

uint32_t utf8_next(const char *text, size_t length, size_t *offset)
{
    const unsigned char *bytes = (const unsigned char *)text + *offset;
    size_t left = length - *offset;
    uint32_t lead = bytes[0];
    if (lead < 0x80) {
        (*offset)++;
        return lead;
    }
    size_t n_bytes;
    uint32_t min_value;
    uint32_t value;
    if ((lead & 0xE0) == 0xC0) {
        n_bytes = 2, min_value = 0x80, value = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        n_bytes = 3, min_value = 0x800, value = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        n_bytes = 4, min_value = 0x10000, value = lead & 0x07;
    } else {
        return invalid(offset);
    }
    if (left < n_bytes)
        return invalid(offset);
    for (size_t i = 1; i < n_bytes; i++) {
        if ((bytes[i] & 0xC0) != 0x80)
            return invalid(offset);
        value = (value << 6) | (bytes[i] & 0x3Fu);
    }
    if (value < min_value || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return invalid(offset);
    *offset += n_bytes;
    return value;
}

bool utf8_is_valid(const char *text, size_t length)
{
    size_t offset = 0;
    while (offset < length) {
        if (utf8_next(text, length, &offset) == UTF8_INVALID)
            return false;
    }
    return true;
}
