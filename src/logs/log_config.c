#include "logs/log_config.h"

#include <stdlib.h>
#include <string.h>

#include "logs/log_rules.h"
#include "logs/log_store.h"

void log_config_init(struct log_config *lc)
{
	memset(lc, 0, sizeof(*lc));
	lc->builtin = true;
	lc->keep_lines = LOG_STORE_LINES_DEFAULT;
}

static void log_config_free_list(char ***list, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
}

void log_config_release(struct log_config *lc)
{
	log_config_free_list(&lc->files, &lc->nfiles);
	log_config_free_list(&lc->journal_matches, &lc->njournal_matches);
	free(lc->journal_directory);
	free(lc->error_notify);
	log_rules_free(lc->rules);
	log_config_init(lc);
}
