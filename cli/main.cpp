#include "cli/command_line.h"

int main(int argc, char** argv) { return leakwatch::leakwatch_main(argc, argv); }
