/*
 * Unit test of parse.c and errnames.c (host, no kernel needed):
 *   gcc -Wall -Werror -D_GNU_SOURCE -I oracle/driver oracle/driver/test/test_parse.c \
 *       oracle/driver/parse.c oracle/driver/errnames.c -o test_parse && ./test_parse
 * Prints "ok N" and exits 0, or names the first failed check and exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

static int checks;

#define CHECK(cond)                                                              \
	do {                                                                     \
		checks++;                                                        \
		if (!(cond)) {                                                   \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);   \
			exit(1);                                                 \
		}                                                                \
	} while (0)

static void test_numbers(void)
{
	uint64_t v;

	CHECK(parse_u64("0", &v) == 0 && v == 0);
	CHECK(parse_u64("4096", &v) == 0 && v == 4096);
	CHECK(parse_u64("0x1000000", &v) == 0 && v == 0x1000000);
	CHECK(parse_u64("0XfF", &v) == 0 && v == 255);
	CHECK(parse_u64("18446744073709551615", &v) == 0 && v == UINT64_MAX);
	CHECK(parse_u64("0xffffffffffffffff", &v) == 0 && v == UINT64_MAX);
	CHECK(parse_u64("18446744073709551616", &v) != 0);  /* 2^64 */
	CHECK(parse_u64("0x10000000000000000", &v) != 0);
	CHECK(parse_u64("", &v) != 0);
	CHECK(parse_u64("0x", &v) != 0);
	CHECK(parse_u64("12a", &v) != 0);
	CHECK(parse_u64("-1", &v) != 0);
	CHECK(parse_u64("ff", &v) != 0); /* hex needs 0x */
}

static void test_hex(void)
{
	uint8_t *b;
	char *s;

	CHECK(parse_hex("-", &b) == 0);
	free(b);
	CHECK(parse_hex("00ff7A", &b) == 3 && b[0] == 0 && b[1] == 0xff && b[2] == 0x7a);
	free(b);
	CHECK(parse_hex("abc", &b) < 0);
	CHECK(parse_hex("zz", &b) < 0);
	CHECK(parse_hex("", &b) < 0);
	s = hex_string((const uint8_t *)"\x01\xab", 2);
	CHECK(strcmp(s, "01ab") == 0);
	free(s);
	s = hex_string(NULL, 0);
	CHECK(strcmp(s, "-") == 0);
	free(s);
	/* HEX*N repeats the bytes */
	CHECK(parse_hex("2f*5", &b) == 5 && b[0] == 0x2f && b[4] == 0x2f);
	free(b);
	CHECK(parse_hex("01ab*3", &b) == 6 && b[2] == 0x01 && b[5] == 0xab);
	free(b);
	CHECK(parse_hex("2f*0", &b) < 0);
	CHECK(parse_hex("2f*", &b) < 0);
	CHECK(parse_hex("2f*x", &b) < 0);
	CHECK(parse_hex("2f*-1", &b) < 0);
	CHECK(parse_hex("2f*1073741825", &b) < 0); /* past 1 GiB */
	/* per-4 KiB FNV-1a 64: the empty string's offset basis, "a", and two chunks */
	s = hash_string(NULL, 0);
	CHECK(strcmp(s, "#") == 0);
	free(s);
	s = hash_string((const uint8_t *)"a", 1);
	CHECK(strcmp(s, "#af63dc4c8601ec8c") == 0);
	free(s);
	b = calloc(4097, 1);
	s = hash_string(b, 4097);
	CHECK(strlen(s) == 1 + 16 + 1 + 16 && s[17] == ',');
	CHECK(strcmp(s + 18, "af63bd4c8601b7df") == 0); /* one zero byte */
	free(s);
	free(b);
}

static void test_ranges(void)
{
	uint64_t *p;

	CHECK(parse_ranges("-", &p) == 0);
	free(p);
	CHECK(parse_ranges("0x1000-0x1fff", &p) == 1 && p[0] == 0x1000 && p[1] == 0x1fff);
	free(p);
	CHECK(parse_ranges("1-2,3-4,0x10-0xffffffffffffffff", &p) == 3 && p[2] == 3 && p[3] == 4 &&
	      p[5] == UINT64_MAX);
	free(p);
	/* more ranges than the first allocation holds */
	{
		char buf[1024] = "";
		for (int i = 0; i < 20; i++)
			sprintf(buf + strlen(buf), "%s%d-%d", i ? "," : "", 10 * i, 10 * i + 5);
		CHECK(parse_ranges(buf, &p) == 20 && p[38] == 190 && p[39] == 195);
		free(p);
	}
	CHECK(parse_ranges("1-2,", &p) < 0);
	CHECK(parse_ranges("1-2,,3-4", &p) < 0);
	CHECK(parse_ranges("12", &p) < 0);
	CHECK(parse_ranges("", &p) < 0);
	CHECK(parse_ranges("a-b", &p) < 0);
}

static void test_lines(void)
{
	struct line l;
	const char *msg;
	char a[] = "12 a1 = ioas_alloc f0 at=p1";
	char b[] = "  # a comment";
	char c[] = "   ";
	char d[] = "7 map f0 a0 0x7f0000000000 4096 iova=0x1000000 read write";
	char e[] = "x map";
	char f[] = "3 A = open";
	char g[] = "4 =x";
	char h[] = "5 p1 =";
	char i[] = "9\tread\t0x10\t4";

	CHECK(parse_line(a, &l, &msg) == 0);
	CHECK(l.seq == 12 && strcmp(l.bind, "a1") == 0 && strcmp(l.op, "ioas_alloc") == 0);
	CHECK(l.npos == 1 && strcmp(l.pos[0], "f0") == 0);
	CHECK(l.nkv == 1 && strcmp(l.key[0], "at") == 0 && strcmp(l.val[0], "p1") == 0);
	CHECK(parse_line(b, &l, &msg) == 1);
	CHECK(parse_line(c, &l, &msg) == 1);
	CHECK(parse_line(d, &l, &msg) == 0);
	CHECK(l.bind == NULL && strcmp(l.op, "map") == 0 && l.npos == 6 && strcmp(l.pos[5], "write") == 0);
	CHECK(l.nkv == 1 && strcmp(l.key[0], "iova") == 0 && strcmp(l.val[0], "0x1000000") == 0);
	CHECK(parse_line(e, &l, &msg) < 0 && msg);
	CHECK(parse_line(f, &l, &msg) < 0);
	CHECK(parse_line(g, &l, &msg) < 0);
	CHECK(parse_line(h, &l, &msg) < 0);
	CHECK(parse_line(i, &l, &msg) == 0 && l.seq == 9 && l.npos == 2);
	CHECK(is_name("p0") && is_name("a12") && !is_name("P0") && !is_name("0a") && !is_name("a-b") &&
	      !is_name(""));
}

static void test_errnames(void)
{
	CHECK(strcmp(errno_name(ENOENT), "ENOENT") == 0);
	CHECK(strcmp(errno_name(EDEADLK), "EDEADLOCK") == 0); /* the scenario API's name */
	CHECK(strcmp(errno_name(EAGAIN), "EAGAIN") == 0);
	CHECK(strcmp(errno_name(EOPNOTSUPP), "EOPNOTSUPP") == 0);
	CHECK(strcmp(errno_name(EBADE), "EBADE") == 0);
	CHECK(strcmp(errno_name(EMSGSIZE), "EMSGSIZE") == 0);
	CHECK(strcmp(errno_name(EADDRINUSE), "EADDRINUSE") == 0);
	CHECK(strcmp(errno_name(EHWPOISON), "EHWPOISON") == 0);
	CHECK(strcmp(errno_name(9999), "E9999") == 0);
}

int main(void)
{
	test_numbers();
	test_hex();
	test_ranges();
	test_lines();
	test_errnames();
	printf("ok %d\n", checks);
	return 0;
}
