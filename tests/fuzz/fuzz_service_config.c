// Fuzz target: service_config_parse (/etc/signage/signage.conf) over
// arbitrary bytes; every value it returns is a non-empty C string.
#include <stdlib.h>
#include <string.h>

#include "fuzz_guard.h"
#include "fuzz_target.h"
#include "show/parse_report.h"
#include "show/service_config.h"

#define FUZZ_CHECK(condition) ((condition) ? (void)0 : abort())

static void check_value(const char *value, size_t input_size)
{
    if (value)
        FUZZ_CHECK(value[0] != '\0' && strlen(value) <= input_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct parse_report report;
    parse_report_init(&report);
    struct service_config *config =
        service_config_parse(fuzz_guard_copy(data, size), size, &report);
    if (!config) {
        FUZZ_CHECK(parse_report_count(&report) > 0);
        for (size_t i = 0; i < report.n_errors; i++)
            FUZZ_CHECK(report.errors[i].line >= 1);
        return 0;
    }
    FUZZ_CHECK(parse_report_count(&report) == 0);
    check_value(service_config_playlist(config), size);
    check_value(service_config_content(config), size);
    check_value(service_config_play_log(config), size);
    check_value(service_config_control(config), size);
    service_config_destroy(config);
    return 0;
}
