# make install / make uninstall (included by the Makefile).
#   make install                          under /usr/local
#   make install PREFIX=/usr DESTDIR=pkg  as the Debian package does
# Layout (FHS, as Debian places such files):
#   $(BINDIR)/ikewatch                       the binary
#   $(MANDIR)/man1/ikewatch.1, man5/ikewatch.yml.5
#   $(SYSCONFDIR)/ikewatch/ikewatch.yml      only if absent: never over an operator's config
#   $(UNITDIR)/ikewatch.service              paths rewritten to this PREFIX
#   $(DATADIR)/prometheus/*.rules.yml        alert and recording rules, to import unchanged
#   $(DATADIR)/prometheus/fleet-rules.yml, fleet/   the fleet view: global rules, site and
#                                            global configurations (docs/scaling.md)
#   $(DATADIR)/grafana/ikewatch.json         the dashboard; ikewatch-fleet.json the fleet's
#   $(DATADIR)/alertmanager/silence-maintenance.sh
#   $(DOCDIR)/*.md, runbooks/*.md            docs and runbooks
#   $(DOCDIR)/examples/                      ikewatch.yml, alertmanager.yml, prometheus.yml,
#                                            logrotate (the event log's snippet)
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SHAREDIR   ?= $(PREFIX)/share
MANDIR     ?= $(SHAREDIR)/man
DATADIR    ?= $(SHAREDIR)/ikewatch
DOCDIR     ?= $(SHAREDIR)/doc/ikewatch
ifeq ($(PREFIX),/usr)
  SYSCONFDIR ?= /etc
  UNITDIR    ?= /lib/systemd/system
else
  SYSCONFDIR ?= $(PREFIX)/etc
  UNITDIR    ?= $(PREFIX)/lib/systemd/system
endif
INSTALL    ?= install

DOCS       := README.md $(wildcard docs/*.md)
RUNBOOKS   := $(wildcard docs/runbooks/*.md)
RULES      := $(wildcard deploy/prometheus/*.rules.yml) deploy/prometheus/fleet-rules.yml
FLEET      := $(wildcard deploy/prometheus/fleet/*.yml)
MAN1       := man/ikewatch.1
MAN5       := man/ikewatch.yml.5
EXAMPLES   := deploy/examples/ikewatch.yml deploy/alertmanager/alertmanager.yml \
              deploy/systemd/strongswan-vici-group.conf \
              deploy/prometheus/prometheus.yml

# the unit names the installed binary, config and docs of this PREFIX
define unit_paths
sed -e 's#/usr/local/bin/ikewatch#$(BINDIR)/ikewatch#g' \
    -e 's#/etc/ikewatch/#$(SYSCONFDIR)/ikewatch/#g' \
    -e 's#/usr/local/share/doc/ikewatch/#$(DOCDIR)/#g'
endef

install: $(BUILD)/ikewatch
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(SYSCONFDIR)/ikewatch $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(DATADIR)/prometheus $(DESTDIR)$(DATADIR)/prometheus/fleet $(DESTDIR)$(DATADIR)/grafana \
		$(DESTDIR)$(DATADIR)/alertmanager $(DESTDIR)$(DOCDIR)/runbooks \
		$(DESTDIR)$(DOCDIR)/examples
	$(INSTALL) -m 0755 $(BUILD)/ikewatch $(DESTDIR)$(BINDIR)/ikewatch
	$(INSTALL) -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	[ -e $(DESTDIR)$(SYSCONFDIR)/ikewatch/ikewatch.yml ] || \
		$(INSTALL) -m 0644 deploy/examples/ikewatch.yml $(DESTDIR)$(SYSCONFDIR)/ikewatch/ikewatch.yml
	$(unit_paths) deploy/systemd/ikewatch.service >$(DESTDIR)$(UNITDIR)/ikewatch.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/ikewatch.service
	$(INSTALL) -m 0644 $(RULES) $(DESTDIR)$(DATADIR)/prometheus/
	$(INSTALL) -m 0644 $(FLEET) $(DESTDIR)$(DATADIR)/prometheus/fleet/
	$(INSTALL) -m 0644 deploy/grafana/ikewatch.json deploy/grafana/ikewatch-fleet.json $(DESTDIR)$(DATADIR)/grafana/
	$(INSTALL) -m 0755 deploy/alertmanager/silence-maintenance.sh $(DESTDIR)$(DATADIR)/alertmanager/
	$(INSTALL) -m 0644 $(DOCS) $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 0644 $(RUNBOOKS) $(DESTDIR)$(DOCDIR)/runbooks/
	$(INSTALL) -m 0644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/
	$(INSTALL) -m 0644 deploy/logrotate/ikewatch $(DESTDIR)$(DOCDIR)/examples/logrotate

# removes what install laid down; an edited config stays (as dpkg's remove does)
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ikewatch $(DESTDIR)$(MANDIR)/man1/ikewatch.1 \
		$(DESTDIR)$(MANDIR)/man5/ikewatch.yml.5 $(DESTDIR)$(UNITDIR)/ikewatch.service
	if cmp -s deploy/examples/ikewatch.yml $(DESTDIR)$(SYSCONFDIR)/ikewatch/ikewatch.yml; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/ikewatch/ikewatch.yml; \
		rmdir $(DESTDIR)$(SYSCONFDIR)/ikewatch 2>/dev/null || true; \
	else echo "uninstall: keeping $(DESTDIR)$(SYSCONFDIR)/ikewatch/ikewatch.yml (edited)"; fi
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)
