// Finds a function the main program defines, also when the program does not
// export it: LeakSanitizer's hooks (__lsan_default_options, ...) are plain
// functions of the executable, which lands in .dynsym only when linked with
// -rdynamic, so dlsym alone misses them in an ordinary build.
#ifndef LEAKWATCH_RUNTIME_SYS_PROGRAM_SYMBOLS_H_
#define LEAKWATCH_RUNTIME_SYS_PROGRAM_SYMBOLS_H_

namespace leakwatch::rt {

// The address of the function `name`: dlsym(RTLD_DEFAULT) first, else the
// .symtab of /proc/self/exe (read with mmap, plus the load bias of a PIE);
// nullptr when neither has it (a stripped executable has no .symtab).
// Hook-safe (no malloc of its own, though a failing dlsym lets glibc set up
// its dlerror state); not async-signal-safe.
void* find_program_function(const char* name);

// The .symtab lookup alone, in the ELF image of `size` bytes at `image`
// (a whole file, as mapped): the symbol's st_value, or 0 when absent or the
// image is not a well-formed ELF64 file.
unsigned long symtab_function_value(const char* image, unsigned long size, const char* name);

}  // namespace leakwatch::rt

#endif  // LEAKWATCH_RUNTIME_SYS_PROGRAM_SYMBOLS_H_
