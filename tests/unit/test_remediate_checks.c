/* With checks: 1 the one check is the only read of charon's state: the
 * decision, the children to act on and the diagnostics bundle come from
 * one snapshot.  (The old engine read the status a second time, ignored
 * what it said, and acted.)  Run through the real engine, in dry-run,
 * triggered by its own check, on a scraper whose fake collector counts its
 * runs and always shows conn "t" down. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/scrape.h"
#include "common/deadline.h"
#include "config/config_remediate.h"
#include "remediate/remediate.h"
#include "testlib.h"

static atomic_int collections;

static int fake_collect(struct collector *c, struct model *m, const struct deadline *dl,
			struct ikw_err *err)
{
	static struct child_cfg kids[] = { { .name = "c", .mode = "TUNNEL",
		.local_ts = "198.18.0.1/32", .remote_ts = "198.19.0.1/32" } };

	(void)c, (void)dl, (void)err;
	atomic_fetch_add(&collections, 1);
	m->conns = arena_alloc(&m->arena, sizeof(*m->conns));
	m->conns[0] = (struct conn_cfg){ .name = "t", .version = "IKEv2",
		.remote_addrs = "192.0.2.2", .children = kids, .nchildren = 1 };
	m->nconns = 1;
	m->have_sas = true;   /* and no IKE SA: expected up, down */
	return 0;
}

static void fake_destroy(struct collector *c)
{
	free(c);
}

static bool audit_has_t(const char *path)
{
	char buf[4096] = "";
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, "\"conn\":\"t\"") != NULL;
}

static void test_one_check_one_read(void)
{
	static char *true_argv[] = { (char *)"true", NULL };
	struct remediate_argv cmd = { true_argv, 1 };
	char dir[] = "/tmp/ikw-remchk-XXXXXX", path[300];
	struct collector **cols = calloc(1, sizeof(*cols));
	struct scraper_opts so = { 0 };
	struct remediate_config rc;
	struct remediate_argv *defaults;
	size_t ndefaults;
	struct ikw_err err = { "" };
	struct remediate *r = NULL;
	struct remediate_inputs in = { 0 };
	struct scraper *s;
	int64_t until;
	FILE *f;
	int seen;

	CHECK(mkdtemp(dir) != NULL);
	cols[0] = calloc(1, sizeof(**cols));
	*cols[0] = (struct collector){ "fake", fake_collect, fake_destroy };
	s = scraper_new(&so, cols, 1);
	remediate_config_init(&rc);
	rc.enabled = rc.dry_run = true;
	rc.checks = 1;
	rc.self_check_ms = 60000;   /* a minute of policy time: 1 s real */
	rc.time_scale = 60;
	snprintf(path, sizeof(path), "%s/token", dir);
	f = fopen(path, "w");
	CHECK(f && fputs("0123456789abcdef0123\n", f) >= 0 && fclose(f) == 0);
	chmod(path, 0600);
	rc.token_file = strdup(path);
	snprintf(path, sizeof(path), "%s/audit.jsonl", dir);
	rc.audit_log = strdup(path);
	snprintf(path, sizeof(path), "%s/diag", dir);
	rc.diag_dir = strdup(path);
	defaults = rc.diag_commands;   /* put back before the release */
	ndefaults = rc.ndiag_commands;
	rc.diag_commands = &cmd;
	rc.ndiag_commands = 1;
	rc.diag_commands_set = true;
	in.scraper = s;
	ike_control_vici(&in.control, "/nonexistent/ikw.vici");
	CHECK_INT(remediate_start(&r, &rc, &in, &err), 0);
	snprintf(path, sizeof(path), "%s/audit.jsonl", dir);
	until = deadline_now_ms() + 10000;
	while (r && !audit_has_t(path) && deadline_now_ms() < until)
		usleep(5000);
	seen = atomic_load(&collections);
	CHECK(audit_has_t(path));
	/* the engine's own scan found t down (1), the one check read it (2),
	 * the bundle took the metrics it keeps (3); no other read; the next
	 * scan is a second away */
	CHECK_INT(seen, 3);
	remediate_stop(r);
	rc.diag_commands = defaults;
	rc.ndiag_commands = ndefaults;
	remediate_config_release(&rc);
	scraper_free(s);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK_INT(system(path), 0);
}

int main(void)
{
	RUN(test_one_check_one_read);
	return testlib_done();
}
