/* The `probes:` section of the YAML config: data-plane probes per
 * conn/child.  Errors name the file and line, like config.c:
 * "FILE:LINE: probes[3].timeout: ...".
 *
 *   probes:                              # a list of probes, or a mapping:
 *     defaults: {netns: hub, interval: 30s}   # ...every key but conn,
 *     max_concurrent: 64                 #    child, name, target, source
 *     list:
 *       - conn: site-a                   # labels conn, child, probe (name)
 *         child: net
 *         name: ping                     # default: the type
 *         type: icmp                     # icmp (default), tcp, mtu, http
 *         target: 10.1.0.1               # or 2001:db8::1; or target_offset: 1
 *                                        #   (a host in the first selector
 *                                        #   of the child's remote_ts, of the
 *                                        #   given source's family if any)
 *         source: 10.0.0.1               # the target's family; or
 *                                        #   source_offset: N (local_ts);
 *                                        #   default: the kernel's choice
 *         port: 22                       # tcp (required), http (default 80)
 *         interval: 30s                  # 1s to 1h
 *         timeout: 2s                    # per attempt (mtu: per ladder;
 *                                        #   http: the whole exchange)
 *         count: 3                       # attempts per run (tcp: 1)
 *         spacing: 200ms                 # between attempts
 *         payload: 56                    # icmp: ICMP payload bytes
 *         mtu_min: 576                   # mtu: IP packet sizes searched
 *                                        #   (IPv6 default: 1280)
 *         mtu_max: 1500
 *         netns: NAME                    # `ip netns` namespace to probe from
 *         interface: ipsec0              # SO_BINDTODEVICE
 *         path: /health                  # http: GET target (default /)
 *         host: svc.example              # http: Host header (default: target)
 *         expect_status: [200, 204]      # http: default any 2xx
 *         expect_body: "ok"              # http: substring of the body
 *         min_bytes: 65536               # http: answer at least this big
 *         connect_timeout: 1s            # http: default: timeout
 *         scheme: https                  # http: http (default) or https
 *                                        #   (then port default 443)
 *         tls_timeout: 1s                # https: the handshake, from the
 *                                        #   connect; default: timeout
 *         server_name: svc.example       # https: SNI and the name verified
 *                                        #   (default: host without port,
 *                                        #   or the target address)
 *         ca_file: /etc/ikewatch/ca.pem  # https: default: system trust; read
 *                                        #   at load: a bad one is an error
 *         insecure_skip_verify: false    # https: tests only
 *
 * conn, child and name together are unique.  A run must end within its
 * interval. */
#ifndef IKW_CONFIG_PROBES_H
#define IKW_CONFIG_PROBES_H

#include <yaml.h>

#include "common/err.h"
#include "probe/probe.h"

/* Parses the value of the `probes` key into pc (replacing what it held).
 * On error returns -EINVAL (or -ENOMEM) with "FILE:LINE: probes...: why"
 * in err; pc then holds what was parsed so far (release it). */
int config_probes_parse(struct probe_config *pc, yaml_document_t *doc,
			yaml_node_t *node, const char *filename, struct ikw_err *err);

#endif
