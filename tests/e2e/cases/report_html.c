// --format html: one self-contained page (no network) with the summary, a
// sortable table of sites and a flame graph of leaked bytes by stack, root
// "all", then callers from main down to the allocating function. In
// headless Chromium: no console output, the graph has this program's
// frames with their bytes, clicking make_node zooms into it, the search box
// highlights it, sorting the table works. --output-dir writes report.html.
//
// REQUIRES: chromium
// RUN: %cc -g -O0 %s -o %t
// RUN: %leakwatch run --format html --output %t.html -- %t
// RUN: %python %S/../inputs/html_check.py %t.html --sites 3 --click make_node \
// RUN:   --frame all:224 --frame main:224 --frame build:160 --frame make_table:64 \
// RUN:   --frame make_node:96 --frame make_list:96 --path main,build,make_list,make_node
// RUN: %leakwatch run --format json,html --output-dir %T/out -- %t
// RUN: %python %S/../inputs/html_check.py %T/out/report.html --static-only
// RUN: grep -c 'id="leakwatch-data" data-kind="report"' %T/out/report.html

#include <stdlib.h>

__attribute__((noinline)) void *make_table(void) {
  return malloc(64);  // @table
}

__attribute__((noinline)) void *make_node(void) {
  return malloc(32);  // @node
}

__attribute__((noinline)) void make_list(void) {
  for (int i = 0; i < 3; i++) make_node();
}

__attribute__((noinline)) void build(void) {
  make_list();
  make_table();
}

int main(void) {
  build();
  make_table();
  return 0;
}
