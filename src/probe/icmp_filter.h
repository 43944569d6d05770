/* A socket filter for raw ICMP sockets.  A raw socket receives a copy of
 * every ICMP message that reaches its namespace, so with many runs in flight
 * each echo reply woke every run's socket, and each of them read and dropped
 * it in user space: most of the probes' CPU time at 1000 probes.  The filter
 * runs in the kernel and queues only the messages of one run: echo replies
 * with its identifier, and errors that quote a request with it. */
#ifndef IKW_ICMP_FILTER_H
#define IKW_ICMP_FILTER_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#define ICMP_FILTER_LEN 15

/* Writes the program for identifier id into prog (ICMP_FILTER_LEN
 * instructions; the packet starts with the IPv4 header, as raw sockets see
 * it).  Returns the number of instructions. */
size_t icmp_filter_build(struct sock_filter prog[ICMP_FILTER_LEN], uint16_t id);

/* Attaches the program for id to fd.  Returns 0 or -errno. */
int icmp_filter_attach(int fd, uint16_t id);

#endif
