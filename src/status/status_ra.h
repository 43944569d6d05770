/* Remote-access conns (remote_addrs %any) in the status view: not one
 * tunnel but many clients, so the view shows how many sessions, how full
 * their pools are, and one line per session (identity, remote address,
 * virtual IP, since, bytes) instead of the IKE and CHILD SA tables, with
 * the same terminate action per session (its IKE SA).  The facts here are
 * shared by the table (status_table.c), the page (status_ra_html.c) and
 * the JSON (status_ra_json.c). */
#ifndef IKW_STATUS_RA_H
#define IKW_STATUS_RA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "status/status.h"

/* Whether sc is shown as a remote-access conn. */
bool status_is_ra(const struct status_conn *sc);

/* One IKE SA of a remote-access conn as a session line. */
struct status_session {
	const struct ike_sa *sa;
	bool session;          /* established with an installed CHILD SA */
	const char *state;     /* "ESTABLISHED", "no CHILD SA", "CONNECTING"... */
	const char *vips;      /* its virtual IPs, comma-joined, "" none */
	uint64_t bytes_in, bytes_out;   /* its CHILD SAs' */
};
void status_session_of(const struct ike_sa *sa, struct status_session *out);

/* "40 sessions; pool rw-pool 40 of 40 addresses in use (100%), 0 offline"
 * into buf. */
void status_ra_summary(const struct status_conn *sc, char *buf, size_t size);

/* The page's part: the summary and the sessions table (actions: a
 * terminate button per session). */
void status_ra_html(const struct status_conn *sc, bool actions, struct strbuf *out);
extern const char status_ra_html_css[];

struct json_out;
/* "remote_access": { "sessions", "pools": [...], "session_list": [...] } */
void status_ra_json(struct json_out *j, const struct status_conn *sc);

#endif
