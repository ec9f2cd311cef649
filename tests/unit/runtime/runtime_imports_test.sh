#!/usr/bin/env bash
# Fails when the preload runtime imports a symbol outside the allow-list: a
# new import is a new way for the runtime to call into libc (or to allocate)
# from inside the target, and must be reviewed against runtime/README.md.
set -euo pipefail
lib=$1
allowed=(
  # loader and process basics
  __cxa_finalize __errno_location __environ environ __register_atfork _exit
  dl_iterate_phdr dladdr dlsym getppid syscall sysconf clock_gettime
  # state file
  open close read write ftruncate fallocate mmap munmap mkdir mkdtemp rmdir unlink stat access
  readlink realpath
  # exit report
  posix_spawn waitpid
  # thread exit
  pthread_key_create pthread_setspecific
  # reachability scan: stopping threads with a signal (tgkill, futex, getdents64 via syscall)
  sigaction
  # memory primitives that never allocate
  memcpy memset strlen
  # libunwind (local unwinding only)
  unw_backtrace _ULx86_64_local_addr_space _ULx86_64_set_caching_policy
  _ULx86_64_init_local _ULx86_64_step _ULx86_64_get_reg _Ux86_64_getcontext
  # toolchain weak references
  _ITM_deregisterTMCloneTable _ITM_registerTMCloneTable __gmon_start__
)
status=0
while read -r sym; do
  name=${sym%%@*}
  ok=0
  for a in "${allowed[@]}"; do [ "$name" = "$a" ] && ok=1 && break; done
  if [ $ok = 0 ]; then
    echo "runtime imports '$name', which is not on the allow-list" >&2
    status=1
  fi
done < <(nm -D --undefined-only "$lib" | awk '{print $NF}')
# And it must not depend on libstdc++.
if readelf -d "$lib" | grep -q 'libstdc++'; then
  echo "runtime links libstdc++" >&2
  status=1
fi
[ $status = 0 ] && echo "runtime imports: all on the allow-list"
exit $status
