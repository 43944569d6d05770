#include "model/probe_view.h"

const char *const probe_type_names[PROBE_TYPE_COUNT] = { "icmp", "tcp", "mtu", "http" };

const char *const probe_fail_names[PROBE_FAIL_COUNT] = {
	"none", "timeout", "refused", "unreachable", "error", "unresolved",
	"status", "body", "short", "stalled", "protocol", "tls",
};

const double probe_hist_bounds[PROBE_HIST_NBOUNDS] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1, 2.5, 5,
};

const char *const probe_http_phase_names[PROBE_HTTP_PHASES] = {
	"connect", "tls", "first_byte", "transfer",
};

const char *const probe_tls_version_names[PROBE_TLS_VERSIONS] = { "", "TLS 1.2", "TLS 1.3" };
