/*
 * hello: the least a process can do on this machine, in C: start (dynamically linked against
 * glibc, as driver-tool is), write one line, exit. The floor under driver-tool --version's ratio
 * to the .NET Native AOT hello world (HelloAot/). Not product code.
 * Leaves out everything but the one write(2): no argument parsing, no stdio buffering.
 */
#include <unistd.h>

int main(void)
{
    static const char line[] = "driver-tool 0.1.0\n";
    return write(1, line, sizeof line - 1) == sizeof line - 1 ? 0 : 1;
}
