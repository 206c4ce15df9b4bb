/*
 * floor-select: the journalled switch `driver-tool --root DIR select DRIVER VARIANT --no-hooks`
 * carries out, in plain C, with the same fsync discipline, as a reference point for
 * bench/ratios.sh. Not product code.
 *
 *   1. DIR/var/lib/driver-tool created if missing; its "lock" opened and flock(LOCK_EX);
 *   2. every kernel under DIR/lib/modules with dmv/DRIVER/VARIANT/: the variant's module files
 *      (any depth), and the links in updates/ that point into dmv/DRIVER/;
 *   3. the journal ("prepared") written to journal.tmp, fsync, rename, fsync of the folder;
 *   4. each new link made under a hidden name (.M.driver-tool-ID) beside the old one;
 *   5. the journal rewritten as "committed" the same way;
 *   6. each staged link checked (readlink) and renamed over the old one; links into the driver's
 *      other variants that the new one does not replace checked and removed;
 *   7. fsync of every updates/ folder changed, the journal removed, fsync of the state folder;
 *   8. a line appended to history.jsonl; the lock released; the reply printed.
 * That is 7 fsyncs for a switch in 2 kernels, as driver-tool makes.
 *
 * What it deliberately leaves out (it assumes a well-formed fixture tree, as dmv-fixture writes):
 *   - recovery of a journal left by an interrupted run (it refuses instead), crash points;
 *   - finding DRIVER and VARIANT by info.json's "name"/"variant" (the folder names are used);
 *   - the hardware check (as with --force), signature and kABI checks of the variant's modules;
 *   - foreign files in the way (--force's moved_aside), the hooks, the reply's operation.reboot
 *     (driver-tool lists the whole tree again for it), error messages;
 *   - JSON escaping of names in the journal and history (fixture names need none).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Paths in a fixture tree are far shorter than these buffers; a longer one would be cut, not overrun. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

typedef struct {
    char *kernel, *updates; /* host path of updates/ (as the journal records it) */
    char name[256], staged[320], oldt[4096], newt[4096];
    int has_old, has_new;
} change;

static change ch[512]; static int nch;
static char *root;

static void die(const char *what) { fprintf(stderr, "floor-select: %s: %s\n", what, strerror(errno)); exit(1); }

static int newest_first(const void *a, const void *b) { return strverscmp(*(char **)b, *(char **)a); }

static int is_module(const char *n)
{
    size_t l = strlen(n);
    return (l > 3 && !strcmp(n + l - 3, ".ko")) || (l > 6 && !strcmp(n + l - 6, ".ko.gz"))
        || (l > 6 && !strcmp(n + l - 6, ".ko.xz")) || (l > 7 && !strcmp(n + l - 7, ".ko.zst"));
}

/* The module files of a variant folder, at any depth: name and path relative to the folder. */
static char mods[64][256], rels[64][1024]; static int nmods;
static void find_modules(const char *dir, const char *rel)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]))) continue;
        char path[4096], r[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        if (e->d_type == DT_DIR) find_modules(path, r);
        else if (e->d_type == DT_REG && is_module(e->d_name) && nmods < 64) {
            snprintf(mods[nmods], sizeof mods[0], "%s", e->d_name);
            snprintf(rels[nmods++], sizeof rels[0], "%s", r);
        }
    }
    closedir(d);
}

static void write_all(int fd, const char *s, size_t n)
{
    while (n) { ssize_t w = write(fd, s, n); if (w < 0) { if (errno == EINTR) continue; die("write"); } s += w; n -= w; }
}

static void sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) < 0) die(path);
    close(fd);
}

static void jstr(char **o, const char *key, const char *v, int comma)
{
    *o += sprintf(*o, "%s\"%s\":", comma ? "," : "", key);
    *o += v ? sprintf(*o, "\"%s\"", v) : sprintf(*o, "null");
}

/* The journal written whole through journal.tmp: write, fsync, rename, fsync of the folder. */
static void write_journal(const char *state, const char *id, const char *phase, const char *driver, const char *variant)
{
    static char text[1 << 20];
    char *o = text;
    o += sprintf(o, "{\"format\":1");
    jstr(&o, "id", id, 1); jstr(&o, "state", phase, 1); jstr(&o, "operation", "select", 1);
    jstr(&o, "driver", driver, 1); jstr(&o, "variant", variant, 1);
    o += sprintf(o, ",\"changes\":[");
    for (int i = 0; i < nch; i++) {
        o += sprintf(o, "%s{", i ? "," : "");
        jstr(&o, "kernel", ch[i].kernel, 0); jstr(&o, "updates", ch[i].updates, 1); jstr(&o, "name", ch[i].name, 1);
        jstr(&o, "old_target", ch[i].has_old ? ch[i].oldt : NULL, 1);
        jstr(&o, "new_target", ch[i].has_new ? ch[i].newt : NULL, 1);
        jstr(&o, "staged", ch[i].has_new ? ch[i].staged : NULL, 1);
        jstr(&o, "set_aside", NULL, 1);
        o += sprintf(o, "}");
    }
    o += sprintf(o, "]}");
    char tmp[4096], path[4096];
    snprintf(tmp, sizeof tmp, "%s/journal.tmp", state);
    snprintf(path, sizeof path, "%s/journal", state);
    int fd = open(tmp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || ftruncate(fd, 0) < 0) die(tmp);
    write_all(fd, text, o - text);
    if (fsync(fd) < 0) die(tmp);
    close(fd);
    if (rename(tmp, path) < 0) die(path);
    sync_dir(state);
}

static int link_is(const char *path, const char *target)
{
    char t[4096];
    ssize_t n = readlink(path, t, sizeof t - 1);
    if (n < 0) return 0;
    t[n] = 0;
    return !strcmp(t, target);
}

int main(int argc, char **argv)
{
    const char *args[2]; int na = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--root") && i + 1 < argc) root = argv[++i];
        else if (!strcmp(argv[i], "select") || argv[i][0] == '-') continue;
        else if (na < 2) args[na++] = argv[i];
    }
    if (!root || na != 2) { fprintf(stderr, "usage: floor-select --root DIR [select] DRIVER VARIANT\n"); return 2; }
    const char *driver = args[0], *variant = args[1];

    /* 1. state folder and lock */
    char state[4096], path[8192];
    const char *parts[] = { "/var", "/var/lib", "/var/lib/driver-tool" };
    for (int i = 0; i < 3; i++) {
        snprintf(state, sizeof state, "%s%s", root, parts[i]);
        if (mkdir(state, 0755) < 0 && errno != EEXIST) die(state);
    }
    snprintf(path, sizeof path, "%s/lock", state);
    int lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock < 0 || flock(lock, LOCK_EX) < 0) die(path);
    snprintf(path, sizeof path, "%s/journal", state);
    if (access(path, F_OK) == 0) { fprintf(stderr, "floor-select: a journal is left; recovery is not part of the floor\n"); return 1; }

    /* 2. plan: kernels newest first, the variant's modules, the driver's current links */
    char id[64];
    struct timeval tv;
    gettimeofday(&tv, NULL);
    snprintf(id, sizeof id, "%d-%llx", (int)getpid(), (unsigned long long)tv.tv_sec * 1000 + tv.tv_usec / 1000);
    snprintf(path, sizeof path, "%s/lib/modules", root);
    DIR *md = opendir(path);
    if (!md) die(path);
    char *kernels[64]; int nk = 0;
    struct dirent *e;
    while ((e = readdir(md)))
        if (e->d_type == DT_DIR && e->d_name[0] != '.' && nk < 64) kernels[nk++] = strdup(e->d_name);
    closedir(md);
    qsort(kernels, nk, sizeof *kernels, newest_first);

    char *changed[64]; int nchanged = 0;
    char driver_dir[512];
    snprintf(driver_dir, sizeof driver_dir, "/dmv/%s/", driver);
    for (int k = 0; k < nk; k++) {
        char vdir[4096];
        snprintf(vdir, sizeof vdir, "%s/lib/modules/%s/dmv/%s/%s", root, kernels[k], driver, variant);
        snprintf(path, sizeof path, "%s/info.json", vdir);
        if (access(path, R_OK) != 0) continue;
        nmods = 0;
        find_modules(vdir, "");
        char host_updates[4096], updates[8192];
        snprintf(host_updates, sizeof host_updates, "/lib/modules/%s/updates", kernels[k]);
        snprintf(updates, sizeof updates, "%s%s", root, host_updates);
        changed[nchanged++] = strdup(updates);
        for (int m = 0; m < nmods; m++) {
            change *c = &ch[nch++];
            c->kernel = kernels[k]; c->updates = strdup(host_updates);
            snprintf(c->name, sizeof c->name, "%s", mods[m]);
            snprintf(c->staged, sizeof c->staged, ".%s.driver-tool-%s", mods[m], id);
            snprintf(c->newt, sizeof c->newt, "../dmv/%s/%s/%s", driver, variant, rels[m]);
            c->has_new = 1;
            snprintf(path, sizeof path, "%s/%s", updates, mods[m]);
            ssize_t n = readlink(path, c->oldt, sizeof c->oldt - 1);
            if (n >= 0) { c->oldt[n] = 0; c->has_old = 1; }
        }
        /* the driver's other links in this kernel: removed unless replaced */
        DIR *ud = opendir(updates);
        while (ud && (e = readdir(ud))) {
            if (e->d_type != DT_LNK || e->d_name[0] == '.' || !is_module(e->d_name)) continue;
            int replaced = 0;
            for (int m = 0; m < nmods; m++) if (!strcmp(mods[m], e->d_name)) replaced = 1;
            if (replaced) continue;
            char t[4096];
            snprintf(path, sizeof path, "%s/%s", updates, e->d_name);
            ssize_t n = readlink(path, t, sizeof t - 1);
            if (n < 0) continue;
            t[n] = 0;
            if (!strstr(t, driver_dir)) continue;
            change *c = &ch[nch++];
            c->kernel = kernels[k]; c->updates = strdup(host_updates);
            snprintf(c->name, sizeof c->name, "%s", e->d_name);
            snprintf(c->oldt, sizeof c->oldt, "%s", t);
            c->has_old = 1;
        }
        if (ud) closedir(ud);
    }
    if (!nch) { fprintf(stderr, "floor-select: %s/%s: no such variant\n", driver, variant); return 2; }

    /* 3. prepared */
    write_journal(state, id, "prepared", driver, variant);
    /* 4. staged links */
    for (int i = 0; i < nch; i++) {
        if (!ch[i].has_new) continue;
        snprintf(path, sizeof path, "%s%s/%s", root, ch[i].updates, ch[i].staged);
        unlink(path);
        if (symlink(ch[i].newt, path) < 0) die(path);
    }
    /* 5. committed */
    write_journal(state, id, "committed", driver, variant);
    /* 6. renames and removals */
    for (int i = 0; i < nch; i++) {
        char staged[8192], dest[8192];
        snprintf(dest, sizeof dest, "%s%s/%s", root, ch[i].updates, ch[i].name);
        if (ch[i].has_new) {
            snprintf(staged, sizeof staged, "%s%s/%s", root, ch[i].updates, ch[i].staged);
            if (!link_is(staged, ch[i].newt) || rename(staged, dest) < 0) die(dest);
        } else if (link_is(dest, ch[i].oldt) && unlink(dest) < 0 && errno != ENOENT) die(dest);
    }
    /* 7. folders synced, journal removed */
    for (int i = 0; i < nchanged; i++) sync_dir(changed[i]);
    snprintf(path, sizeof path, "%s/journal", state);
    if (unlink(path) < 0) die(path);
    sync_dir(state);

    /* 8. history, lock, reply */
    char line[8192], stamp[64];
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    int n = snprintf(line, sizeof line, "{\"time\":\"%s.%03dZ\",\"id\":\"%s\",\"operation\":\"select\",\"driver\":\"%s\",\"variant\":\"%s\",\"kernels\":[",
                     stamp, (int)(tv.tv_usec / 1000), id, driver, variant);
    for (int k = 0, first = 1; k < nk; k++) {
        int used = 0;
        for (int i = 0; i < nch; i++) if (ch[i].kernel == kernels[k]) used = 1;
        if (used) { n += snprintf(line + n, sizeof line - n, "%s\"%s\"", first ? "" : ",", kernels[k]); first = 0; }
    }
    n += snprintf(line + n, sizeof line - n, "],\"moved_aside\":[]}\n");
    snprintf(path, sizeof path, "%s/history.jsonl", state);
    int h = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (h < 0) die(path);
    write_all(h, line, n);
    close(h);
    close(lock);
    printf("{\"driver\":\"%s\",\"variant\":\"%s\",\"exit\":0}\n", driver, variant);
    return 0;
}
