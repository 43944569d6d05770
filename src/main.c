/* ikewatch: watches IKEv2/IPsec tunnels and serves what it sees to
 * Prometheus.  This file is only the command table. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"
#include "config/config.h"
#include "http/http_client.h"

struct command {
	const char *name;
	int (*run)(const struct config *c);
	const char *summary;
};

static const struct command commands[] = {
	{ "serve", cmd_serve, "run the exporter daemon (HTTP /metrics)" },
	{ "metrics", cmd_metrics, "print one scrape to stdout" },
	{ "textfile", cmd_textfile, "write ipsec.prom atomically for node_exporter (--output DIR)" },
	{ "status", cmd_status, "every IKE and CHILD SA in a table (--json, --conn, --url)" },
	{ "blackbox-config", cmd_blackbox, "blackbox_exporter modules and a scrape config for the probes" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: ikewatch COMMAND [FLAGS]\n\nCommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nFlags (all commands; flags override --config.file):\n%s",
		config_flags_usage);
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* glibc gives each thread that allocates an arena of its own, and pages a
 * collection freed there stay resident: with the HTTP threads, the
 * collection and its list-conns thread, one scrape at 1000 tunnels left
 * about 1 MB more resident than one shared arena does.  ikewatch allocates
 * little and from few threads at once, so the lock costs nothing measurable.
 */
static void malloc_one_arena(void)
{
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, 1);
#endif
}

int main(int argc, char **argv)
{
	bool help = false, version = false;
	struct ikw_err err = { "" };
	const struct command *cmd;
	struct config c;
	int status;

	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("ikewatch %s (revision %s)\n", IKW_VERSION, IKW_REVISION);
		return 0;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		fprintf(stderr, "ikewatch: unknown command '%s' (see ikewatch --help)\n",
			argv[1]);
		return 2;
	}
	config_init(&c);
	if (config_parse_args(&c, argc, argv, 2, &help, &version, &err)) {
		fprintf(stderr, "ikewatch: %s\n", err.msg);
		config_release(&c);
		return 2;
	}
	if (help || version) {
		if (help)
			usage(stdout);
		else
			printf("ikewatch %s (revision %s)\n", IKW_VERSION, IKW_REVISION);
		config_release(&c);
		return 0;
	}
	log_set_level(c.log_level);
	malloc_one_arena();
	/* libcurl's global state: set up before any thread starts, once */
	if (http_client_global_init(&err)) {
		fprintf(stderr, "ikewatch: %s\n", err.msg);
		config_release(&c);
		return 2;
	}
	status = cmd->run(&c);
	config_release(&c);
	http_client_global_cleanup();
	return status;
}
