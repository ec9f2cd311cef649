// The always-on counters per allocation kind: allocations, frees and bytes
// of each kind, in the text summary and in JSON.
//
// RUN: %cxx -g -O0 %s -o %t
// RUN: %leakwatch run -- %t 2>&1 | %check
// RUN: %leakwatch run --format json -- %t 2>&1 | %check-json
// RUN: %leakwatch run --format json --output %t.json -- %t; \
// RUN:   %python -c "import json,sys; k=json.load(open(sys.argv[1]))['summary']['by_kind']; \
// RUN:     print('new', k['new']); print('new[]', k['new[]']); print('aligned', k['aligned']); print('realloc', k['realloc'])" %t.json \
// RUN:   | %check --prefix=JSONKIND

#include <stdlib.h>

int main() {
  void *c = calloc(4, 8);                  // calloc: 1 x 32, freed by realloc below
  void *r = realloc(c, 100);               // realloc: 1 x 100 (leaked)
  void *a = aligned_alloc(64, 128);        // aligned: 1 x 128, freed
  free(a);
  int *one = new int(5);                   // new: 2 x 4, one freed
  int *two = new int(6);
  delete one;
  char *arr = new char[40];                // new[]: 1 x 40, freed
  delete[] arr;
  return r == nullptr || two == nullptr;
}

// CHECK: SUMMARY: leakwatch: 104 byte(s) leaked in 2 allocation(s)
// CHECK: leakwatch: by kind: malloc {{.*}}; calloc 1 allocation(s) 1 free(s) 32 byte(s) allocated 32 freed; realloc 1 allocation(s) 0 free(s) 100 byte(s) allocated 0 freed; aligned 1 allocation(s) 1 free(s) 128 byte(s) allocated 128 freed; new 2 allocation(s) 1 free(s) 8 byte(s) allocated 4 freed; new[] 1 allocation(s) 1 free(s) 40 byte(s) allocated 40 freed.

// JSON-SUMMARY: leaked_bytes=104 leaked_blocks=2

// JSONKIND: new {'allocations': 2, 'frees': 1, 'bytes_allocated': 8, 'bytes_freed': 4}
// JSONKIND-NEXT: new[] {'allocations': 1, 'frees': 1, 'bytes_allocated': 40, 'bytes_freed': 40}
// JSONKIND-NEXT: aligned {'allocations': 1, 'frees': 1, 'bytes_allocated': 128, 'bytes_freed': 128}
// JSONKIND-NEXT: realloc {'allocations': 1, 'frees': 0, 'bytes_allocated': 100, 'bytes_freed': 0}
