#include "probe/icmp_filter.h"

#include <errno.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>

#define ACCEPT 0xffffU    /* the whole message (an ICMP message is smaller) */

size_t icmp_filter_build(struct sock_filter prog[ICMP_FILTER_LEN], uint16_t id)
{
	/* X: offset of the ICMP header (after the IP header and its options);
	 * for an error, then of the quoted request's ICMP header, which
	 * follows the error's 8-byte header and the quoted IP header. */
	const struct sock_filter p[] = {
		/* 0 */ BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		/* 1 */ BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),                 /* type */
		/* 2 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP_ECHOREPLY, 8, 0),
		/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP_DEST_UNREACH, 1, 0),
		/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP_TIME_EXCEEDED, 0, 9),
		/* 5 */ BPF_STMT(BPF_LD | BPF_B | BPF_IND, 8),                 /* quoted v/ihl */
		/* 6 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x0f),
		/* 7 */ BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 2),
		/* 8 */ BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		/* 9 */ BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 8),
		/* 10 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
		/* 11 */ BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),                /* identifier */
		/* 12 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, id, 0, 1),
		/* 13 */ BPF_STMT(BPF_RET | BPF_K, ACCEPT),
		/* 14 */ BPF_STMT(BPF_RET | BPF_K, 0),
	};
	size_t i;

	_Static_assert(sizeof(p) / sizeof(p[0]) == ICMP_FILTER_LEN, "filter length");
	for (i = 0; i < ICMP_FILTER_LEN; i++)
		prog[i] = p[i];
	return ICMP_FILTER_LEN;
}

int icmp_filter_attach(int fd, uint16_t id)
{
	struct sock_filter prog[ICMP_FILTER_LEN];
	struct sock_fprog fp = { .len = (unsigned short)icmp_filter_build(prog, id),
				 .filter = prog };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) ? -errno : 0;
}
