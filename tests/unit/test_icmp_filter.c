/* The raw ICMP socket filter in the kernel (probe/icmp_filter.h), on
 * loopback only: an echo reply reaches the socket of its identifier and no
 * other, an error quoting a request (with IP options in the quoted header,
 * so the quoted header's length is read, not assumed) reaches only the
 * socket of the quoted identifier, and a truncated error reaches none.
 * Needs CAP_NET_RAW (the suite runs as root). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe/icmp.h"
#include "probe/icmp_filter.h"
#include "testlib.h"

#define ID_A 0x1234
#define ID_B 0xbeef

static int raw_sock(int id)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);

	if (fd < 0) {
		testlib_fail(__FILE__, __LINE__, "raw ICMP socket: %s (needs CAP_NET_RAW)",
			     strerror(errno));
		return -1;
	}
	if (id >= 0)
		CHECK_INT(icmp_filter_attach(fd, (uint16_t)id), 0);
	return fd;
}

static void send_lo(int fd, const uint8_t *msg, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET };

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_INT(sendto(fd, msg, len, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)len);
}

/* The ICMP types fd received within 200 ms, as a bit set; *id the last
 * message's identifier (of the reply, or of the quoted request). */
static unsigned received(int fd, uint16_t *id)
{
	uint8_t buf[2048];
	struct pollfd p = { fd, POLLIN, 0 };
	unsigned types = 0;
	struct icmp_msg m;
	ssize_t n;

	while (poll(&p, 1, 200) == 1) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		if (icmp_parse(buf, (size_t)n, true, &m) == 0) {
			types |= 1U << m.type;
			*id = m.id;
		}
	}
	return types;
}

static void test_echo_reply(void)
{
	int a = raw_sock(ID_A), b = raw_sock(ID_B), all = raw_sock(-1);
	uint8_t req[64];
	size_t n = icmp_build_echo(req, sizeof(req), ID_A, 7, 42, 32);
	uint16_t id = 0;

	if (a < 0 || b < 0 || all < 0)
		return;
	send_lo(all, req, n);
	CHECK_INT(received(a, &id), 1U << ICMP_ECHOREPLY);   /* not the request */
	CHECK_INT(id, ID_A);
	CHECK_INT(received(b, &id), 0);
	/* without the filter the socket sees the request and the reply */
	CHECK_INT(received(all, &id), (1U << ICMP_ECHO) | (1U << ICMP_ECHOREPLY));
	close(a), close(b), close(all);
}

/* An error message quoting a request of identifier id, whose quoted IP
 * header carries 4 bytes of options (length 24). */
static size_t error_quoting(uint8_t *e, uint8_t type, uint16_t id)
{
	uint8_t req[ICMP_ECHO_HDR + ICMP_TAG_LEN];
	size_t n = icmp_build_echo(req, sizeof(req), id, 1, 1, ICMP_TAG_LEN);
	uint16_t sum;

	memset(e, 0, 8 + 24 + 8);
	e[0] = type;
	e[1] = type == ICMP_DEST_UNREACH ? ICMP_HOST_UNREACH : 0;
	e[8] = 0x46;                      /* IPv4, 6 words */
	CHECK_INT(n, sizeof(req));
	e[8 + 3] = 24 + (uint8_t)n;
	e[8 + 8] = 64;
	e[8 + 9] = IPPROTO_ICMP;
	memset(e + 8 + 12, 0x7f, 1), e[8 + 15] = 1;     /* 127.0.0.1 */
	memset(e + 8 + 16, 0x7f, 1), e[8 + 19] = 1;
	e[8 + 20] = 1;                    /* a NOP option */
	memcpy(e + 8 + 24, req, 8);
	sum = icmp_checksum(e, 8 + 24 + 8);
	e[2] = (uint8_t)(sum >> 8), e[3] = (uint8_t)sum;
	return 8 + 24 + 8;
}

static void test_errors(void)
{
	int a = raw_sock(ID_A), b = raw_sock(ID_B), all = raw_sock(-1);
	uint8_t e[64];
	uint16_t id = 0;
	size_t n;

	if (a < 0 || b < 0 || all < 0)
		return;
	send_lo(all, e, error_quoting(e, ICMP_DEST_UNREACH, ID_B));
	send_lo(all, e, error_quoting(e, ICMP_TIME_EXCEEDED, ID_B));
	CHECK_INT(received(b, &id), (1U << ICMP_DEST_UNREACH) | (1U << ICMP_TIME_EXCEEDED));
	CHECK_INT(id, ID_B);
	CHECK_INT(received(a, &id), 0);
	/* cut inside the quoted header: the identifier is not there to read */
	n = error_quoting(e, ICMP_DEST_UNREACH, ID_B);
	send_lo(all, e, n - 10);
	CHECK_INT(received(b, &id), 0);
	CHECK(received(all, &id) != 0);
	close(a), close(b), close(all);
}

int main(void)
{
	RUN(test_echo_reply);
	RUN(test_errors);
	return testlib_done();
}
