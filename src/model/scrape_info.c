#include "model/scrape_info.h"

const char *const scrape_served_names[SCRAPE_SERVED_N] = {
	[SCRAPE_COLLECTED] = "collected",
	[SCRAPE_SHARED] = "shared",
	[SCRAPE_REUSED] = "reused",
};
