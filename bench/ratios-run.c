/*
 * ratios-run: runs a command once, its standard output to /dev/null, and appends one line to FILE:
 *   wall_us cpu_us minor_faults peak_rss_kb exit_status
 * Wall from CLOCK_MONOTONIC around posix_spawn and wait4; CPU (user + system), minor faults and
 * peak RSS from the child's rusage, the same source /usr/bin/time -v reports from, but to the
 * microsecond (time -v prints wall and CPU to 10 ms, coarser than a 3 ms run).
 * Usage: ratios-run FILE COMMAND [ARG...]   (bench/ratios.sh)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: ratios-run FILE COMMAND [ARG...]\n"); return 2; }
    FILE *out = fopen(argv[1], "a");
    if (!out) { perror(argv[1]); return 2; }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    struct timespec t0, t1;
    struct rusage ru;
    pid_t pid;
    int status;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (posix_spawnp(&pid, argv[2], &actions, NULL, argv + 2, environ) != 0) { perror(argv[2]); return 2; }
    if (wait4(pid, &status, 0, &ru) < 0) { perror("wait4"); return 2; }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long wall = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
    long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
    fprintf(out, "%ld %ld %ld %ld %d\n", wall, cpu, ru.ru_minflt, ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    fclose(out);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
