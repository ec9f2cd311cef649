// The report never touches the program's stdout: a large binary-safe payload
// written by a leaking program is byte-for-byte the same with and without
// leakwatch (CLI and plain LD_PRELOAD), and the report is on stderr.
//
// RUN: %cc -g -O0 %s -o %t
// RUN: %t > %T/expected.bin
// RUN: %leakwatch run -- %t > %T/cli.bin 2> %T/cli.err
// RUN: cmp %T/expected.bin %T/cli.bin
// RUN: %check < %T/cli.err
// RUN: %leakwatch run --format json -- %t > %T/cli-json.bin 2> %T/cli-json.err
// RUN: cmp %T/expected.bin %T/cli-json.bin
// RUN: %check-json %T/cli-json.err
// RUN: env LD_PRELOAD=%libleakwatch %t > %T/plain.bin 2> %T/plain.err
// RUN: cmp %T/expected.bin %T/plain.bin
// RUN: %check < %T/plain.err

#include <stdio.h>
#include <stdlib.h>

int main(void) {
  unsigned char *chunk = malloc(4096);  // @leak
  for (int i = 0; i < 4096; i++)
    chunk[i] = (unsigned char)(i * 7);
  // Text, then raw bytes (including NULs and a partial last line).
  printf("header line\n");
  for (int i = 0; i < 64; i++)
    fwrite(chunk, 1, 4096, stdout);
  fputs("trailer without newline", stdout);
  return 0;
}

// CHECK: Direct leak of 4096 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}stdout_untouched.c:[[@leak]]
// CHECK: SUMMARY: leakwatch: 4096 byte(s) leaked in 1 allocation(s)

// JSON-SUMMARY: leaked_bytes=4096 leaked_blocks=1
// JSON-LEAK: bytes=4096 blocks=1 kinds=malloc frames=main@stdout_untouched.c:[[@leak]]
