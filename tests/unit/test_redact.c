/* Redaction of peers: the hash is stable, keyed by the salt and of the
 * documented shape; aliases win in alias mode and everything else is
 * hashed; lists are redacted item by item; a model's peer fields (IKE SA
 * address and identity, conn remote_addrs, kernel SA addresses) are
 * rewritten and nothing else; the YAML section's errors name the line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/model.h"
#include "model/redact.h"
#include "testlib.h"

static void test_hash_and_alias(void)
{
	struct redact_alias al[] = { { (char[]){ "192.0.2.11" }, (char[]){ "paris" } } };
	struct redact_config rc = { REDACT_HASH, (char[]){ "salt-a" }, al, 1 };
	char a[64], b[64], c[64];

	redact_value(&rc, "192.0.2.11", a, sizeof(a));
	redact_value(&rc, "192.0.2.11", b, sizeof(b));
	CHECK_STR(a, b);                          /* stable */
	CHECK(!strncmp(a, "peer-", 5) && strlen(a) == 17);
	CHECK(strspn(a + 5, "0123456789abcdef") == 12);
	rc.salt = (char[]){ "salt-b" };
	redact_value(&rc, "192.0.2.11", c, sizeof(c));
	CHECK(strcmp(a, c) != 0);                 /* keyed by the salt */
	redact_value(&rc, "192.0.2.12", b, sizeof(b));
	CHECK(strcmp(b, c) != 0);
	rc.mode = REDACT_ALIAS;
	redact_value(&rc, "192.0.2.11", a, sizeof(a));
	CHECK_STR(a, "paris");
	redact_value(&rc, "192.0.2.11,192.0.2.12", a, sizeof(a));
	CHECK(!strncmp(a, "paris,peer-", 11));
	redact_value(&rc, "", a, sizeof(a));
	CHECK_STR(a, "");
	rc.mode = REDACT_NONE;
	redact_value(&rc, "192.0.2.11", a, sizeof(a));
	CHECK_STR(a, "192.0.2.11");
}

static void test_model(void)
{
	struct redact_config rc = { REDACT_HASH, (char[]){ "s" }, NULL, 0 };
	struct model *m = model_new();
	struct xfrm_sa_rec k;
	struct ike_sa *ike;

	m->conns = arena_alloc(&m->arena, sizeof(*m->conns));
	m->conns[0] = (struct conn_cfg){ .name = "t", .local_addrs = "192.0.2.1",
					 .remote_addrs = "192.0.2.11" };
	m->nconns = 1;
	ike = model_add_ike_sa(m);
	ike->conn = "t";
	ike->local_host = "192.0.2.1";
	ike->remote_host = "192.0.2.11";
	ike->local_id = "hub";
	ike->remote_id = "peer-t";
	memset(&k, 0, sizeof(k));
	strcpy(k.src, "192.0.2.11");
	strcpy(k.dst, "192.0.2.1");
	m->kernel.sas = &k;
	m->kernel.nsas = 1;
	CHECK_INT(redact_model(&rc, m), 0);
	CHECK(!strncmp(ike->remote_host, "peer-", 5));
	CHECK(!strncmp(ike->remote_id, "peer-", 5));
	CHECK_STR(ike->local_id, "hub");          /* ours: not a peer's */
	CHECK_STR(ike->local_host, "192.0.2.1");
	CHECK_STR(m->conns[0].remote_addrs, ike->remote_host);
	CHECK_STR(m->conns[0].local_addrs, "192.0.2.1");
	CHECK(!strncmp(k.src, "peer-", 5) && !strncmp(k.dst, "peer-", 5));
	m->kernel.sas = NULL;
	model_unref(m);
}

/* Traffic selectors and probe targets that name a peer (transport mode,
 * host-to-host) are redacted like the peer, prefix and ports kept; inner
 * subnets and hosts that are no peer stay, and a longer address that only
 * starts like a peer's is not taken for it. */
static void test_selectors(void)
{
	struct redact_config rc = { REDACT_HASH, (char[]){ "s" }, NULL, 0 };
	struct model *m = model_new();
	struct child_cfg cc = { .name = "net", .remote_ts = "192.0.2.11/32,10.1.0.0/24,10.9.9.9/32" };
	struct child_sa *ch;
	struct probe_view pv[2] = { { .target = "192.0.2.11" }, { .target = "10.1.0.1" } };
	struct ike_sa *ike;
	char a[64], b[64], want[256];

	redact_value(&rc, "192.0.2.11", a, sizeof(a));
	redact_value(&rc, "198.51.100.7", b, sizeof(b));
	m->conns = arena_alloc(&m->arena, sizeof(*m->conns));
	m->conns[0] = (struct conn_cfg){ .name = "t", .remote_addrs = "192.0.2.11",
					 .children = &cc, .nchildren = 1 };
	m->nconns = 1;
	ike = model_add_ike_sa(m);
	ike->conn = "t";
	ike->remote_host = "198.51.100.7";        /* behind a NAT: another address */
	ike->children = arena_alloc(&m->arena, sizeof(*ike->children));
	ch = &ike->children[0];
	*ch = (struct child_sa){ .name = "net",
		.remote_ts = "198.51.100.7/32[udp/1701],192.0.2.110/32,192.0.2.11,2001:db8::1/128" };
	ike->nchildren = 1;
	m->probes.v = pv;
	m->probes.n = 2;
	CHECK_INT(redact_model(&rc, m), 0);
	snprintf(want, sizeof(want), "%s/32,10.1.0.0/24,10.9.9.9/32", a);
	CHECK_STR(cc.remote_ts, want);
	snprintf(want, sizeof(want), "%s/32[udp/1701],192.0.2.110/32,%s,2001:db8::1/128", b, a);
	CHECK_STR(ch->remote_ts, want);
	CHECK_STR(pv[0].target, a);
	CHECK_STR(pv[1].target, "10.1.0.1");
	CHECK(!strstr(cc.remote_ts, "192.0.2.11/") && !strstr(ch->remote_ts, "198.51.100.7"));
	m->probes.v = NULL;
	m->probes.n = 0;
	model_unref(m);
}

static void yaml_fails(const char *yaml, const char *want)
{
	struct config c;
	struct ikw_err err = { "" };
	int r;

	config_init(&c);
	r = config_parse_yaml(&c, "r.yml", yaml, strlen(yaml), &err);
	if (r != -EINVAL || !strstr(err.msg, want))
		testlib_fail(__FILE__, __LINE__, "r=%d '%s', want '%s'", r, err.msg, want);
	config_release(&c);
}

/* A road warrior's virtual IPs, and its traffic selector (its virtual
 * IP/32), are redacted as the same names; the pool it came from is known
 * before (ra_assign_pools runs first), the pool's own range is ours. */
static void test_virtual_ips(void)
{
	struct redact_config rc = { REDACT_HASH, (char[]){ "s" }, NULL, 0 };
	struct model *m = model_new();
	struct ike_sa *ike;
	struct child_sa *ch;
	char v4[64], v6[64], want[160];

	redact_value(&rc, "10.3.0.7", v4, sizeof(v4));
	redact_value(&rc, "fd00::7", v6, sizeof(v6));
	ike = model_add_ike_sa(m);
	ike->conn = "rw";
	ike->remote_host = "198.18.0.5";
	ike->remote_vips = "10.3.0.7,fd00::7";
	ike->children = arena_alloc(&m->arena, sizeof(*ike->children));
	ch = &ike->children[0];
	*ch = (struct child_sa){ .name = "rw", .remote_ts = "10.3.0.7/32,fd00::7/128,10.9.0.0/16" };
	ike->nchildren = 1;
	CHECK_INT(redact_model(&rc, m), 0);
	snprintf(want, sizeof(want), "%s,%s", v4, v6);
	CHECK_STR(ike->remote_vips, want);
	snprintf(want, sizeof(want), "%s/32,%s/128,10.9.0.0/16", v4, v6);
	CHECK_STR(ch->remote_ts, want);
	model_unref(m);
}

static void test_config(void)
{
	static const char ok[] = "redact:\n  mode: alias\n  salt: abc\n  aliases:\n"
				 "    192.0.2.11: paris\n    peer-x: x\n";
	struct config c;
	struct ikw_err err = { "" };

	config_init(&c);
	CHECK_INT(config_parse_yaml(&c, "r.yml", ok, strlen(ok), &err), 0);
	CHECK_INT(c.redact.mode, REDACT_ALIAS);
	CHECK_STR(c.redact.salt, "abc");
	CHECK_INT(c.redact.naliases, 2);
	CHECK_STR(c.redact.aliases[1].alias, "x");
	config_release(&c);
	yaml_fails("redact:\n  mode: scramble\n", "r.yml:2: redact.mode: want none, hash or alias");
	yaml_fails("redact:\n  aliases:\n    a: \"x,y\"\n", "r.yml:3: redact.aliases: an alias");
	yaml_fails("redact:\n  salt_file: rel\n", "r.yml:2: redact.salt_file: want an absolute path");
	yaml_fails("redact:\n  salt_file: /nonexistent/salt\n", "r.yml:2: redact.salt_file:");
	yaml_fails("redact:\n  pepper: 1\n", "r.yml:2: unknown key 'pepper' in 'redact'");
}

int main(void)
{
	RUN(test_hash_and_alias);
	RUN(test_model);
	RUN(test_selectors);
	RUN(test_virtual_ips);
	RUN(test_config);
	return testlib_done();
}
