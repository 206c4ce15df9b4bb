/*
 * floor-list: the least work `driver-tool --root DIR -l` has to do, written plainly in C, as a
 * reference point for bench/ratios.sh. Not product code.
 *
 * It does what the listing needs and prints the same JSON bytes:
 *   - the shared lock and journal check in DIR/var/lib/driver-tool (when the folder exists);
 *   - the kernels under DIR/lib/modules, newest first (sort -V order; no running kernel under --root);
 *   - per kernel, the recursive walk of dmv/ in name order, each info.json read once and parsed;
 *   - per kernel, the updates/ links, each target's owner found through the nearest info.json;
 *   - the PCI devices from DIR/sys/bus/pci/devices/<dev>/uevent (the four attribute files when
 *     a device has no uevent);
 *   - DIR/sys/module listed once, notes/.note.XenServer read once per loaded module named.
 *
 * What it deliberately leaves out (it may assume well-formed fixture input, as dmv-fixture writes):
 *   - no diagnostics: an unreadable or malformed file, a bad name, a half-switched driver, a
 *     note naming no variant are silently skipped instead of reported;
 *   - info.json is assumed valid JSON with every key of the right type (no error reasons, no
 *     depth limit, no size limit beyond the buffer, \u escapes outside the BMP not paired);
 *   - link targets are resolved lexically (".." removed, absolute ones taken under DIR): no
 *     check that a path climbs out of DIR, no links inside the target's own folders followed;
 *     a linked kernel folder or info.json is opened by the kernel's own lookup (an absolute
 *     link target is not taken under DIR);
 *   - output strings are copied byte for byte apart from JSON escapes of '"', '\\' and control
 *     characters (driver-tool's encoder also escapes some non-ASCII characters);
 *   - one thread (driver-tool spreads the walk over the cores); fixed-size tables, no freeing.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct { int f[4]; } pciid; /* vendor, device, subvendor, subdevice; -2 is "*", -1 unknown */

typedef struct {
    int kernel;
    char *dir;           /* the variant's folder (where its info.json is) */
    char *name, *variant, *category, *description, *version, *priority, *status;
    char **modules; int nmodules;
    pciid *ids; int nids;
} variant;

static variant *vars; static int nvars, capvars;
static char *root;

static void *xrealloc(void *p, size_t n) { p = realloc(p, n); if (!p) { perror("realloc"); exit(1); } return p; }

/* ---- kernel release order, as sort -V / rpmvercmp ---- */
static int isalnum_(int c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int isdigit_(int c) { return c >= '0' && c <= '9'; }
static int verscmp_(const char *a, const char *b)
{
    const char *a0 = a, *b0 = b;
    for (;;) {
        while (*a && !isalnum_(*a)) a++;
        while (*b && !isalnum_(*b)) b++;
        if (!*a || !*b) break;
        int num = isdigit_(*a);
        if (num != isdigit_(*b)) return num ? 1 : -1;
        const char *sa = a, *sb = b;
        if (num) {
            while (isdigit_(*a)) a++;
            while (isdigit_(*b)) b++;
            while (sa < a - 1 && *sa == '0') sa++;
            while (sb < b - 1 && *sb == '0') sb++;
            if (a - sa != b - sb) return a - sa < b - sb ? -1 : 1;
            int c = strncmp(sa, sb, a - sa);
            if (c) return c < 0 ? -1 : 1;
        } else {
            while (*a && isalnum_(*a) && !isdigit_(*a)) a++;
            while (*b && isalnum_(*b) && !isdigit_(*b)) b++;
            size_t la = a - sa, lb = b - sb;
            int c = strncmp(sa, sb, la < lb ? la : lb);
            if (c) return c < 0 ? -1 : 1;
            if (la != lb) return la < lb ? -1 : 1;
        }
    }
    if (!*a != !*b) return !*a ? -1 : 1;
    int c = strcmp(a0, b0);
    return c < 0 ? -1 : c > 0;
}
static int newest_first(const void *x, const void *y) { return verscmp_(*(char **)y, *(char **)x); }
static int by_name(const void *x, const void *y) { return strcmp(*(char **)x, *(char **)y); }

/* ---- folders: all names of one folder, sorted, with their d_type (the descriptor stays open) ---- */
typedef struct { char **names; unsigned char *types; int n; } listing;
struct linux_dirent64 { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; };
static int list_dir(int fd, listing *l)
{
    static char dbuf[32768];
    int cap = 16;
    l->n = 0; l->names = malloc(cap * sizeof *l->names); l->types = malloc(cap);
    long got;
    while ((got = syscall(SYS_getdents64, fd, dbuf, sizeof dbuf)) > 0)
        for (long off = 0; off < got;) {
            struct linux_dirent64 *e = (struct linux_dirent64 *)(dbuf + off);
            off += e->reclen;
            if (e->name[0] == '.' && (!e->name[1] || (e->name[1] == '.' && !e->name[2]))) continue;
            if (l->n == cap) { cap *= 2; l->names = xrealloc(l->names, cap * sizeof *l->names); l->types = xrealloc(l->types, cap); }
            l->types[l->n] = e->type;
            l->names[l->n++] = strdup(e->name);
        }
    if (got < 0) { free(l->names); free(l->types); return -1; }
    /* insertion sort of names and types together: folders are small */
    for (int i = 1; i < l->n; i++) {
        char *s = l->names[i]; unsigned char t = l->types[i]; int j = i - 1;
        while (j >= 0 && strcmp(l->names[j], s) > 0) { l->names[j + 1] = l->names[j]; l->types[j + 1] = l->types[j]; j--; }
        l->names[j + 1] = s; l->types[j + 1] = t;
    }
    return 0;
}
static void free_listing(listing *l) { for (int i = 0; i < l->n; i++) free(l->names[i]); free(l->names); free(l->types); }

static char *cat3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);
    memcpy(s, a, la); memcpy(s + la, b, lb); memcpy(s + la + lb, c, lc + 1);
    return s;
}

/*
 * Reads a small file (info.json, uevent, a note file) at dirfd/name into buf; returns its length
 * or -1. One read: a regular file's short read is its end, and a sysfs attribute hands over its
 * whole text in the first read (driver-tool relies on the same).
 */
static char buf[1 << 20];
static long read_small(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    long n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) return -1;
    buf[n] = 0;
    return n;
}

/* ---- a minimal JSON reader for info.json ---- */
static const char *p;
static void ws(void) { while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++; }
static int hexval(int c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; }
static char *jstring(void)
{
    ws(); p++; /* opening quote */
    const char *s = p;
    while (*p != '"') p += *p == '\\' ? 2 : 1;
    char *out = malloc(p - s + 1), *o = out;
    for (const char *q = s; q < p; q++) {
        if (*q != '\\') { *o++ = *q; continue; }
        q++;
        switch (*q) {
        case 'n': *o++ = '\n'; break; case 't': *o++ = '\t'; break; case 'r': *o++ = '\r'; break;
        case 'b': *o++ = '\b'; break; case 'f': *o++ = '\f'; break;
        case 'u': {
            unsigned c = hexval(q[1]) << 12 | hexval(q[2]) << 8 | hexval(q[3]) << 4 | hexval(q[4]);
            q += 4;
            if (c < 0x80) *o++ = c;
            else if (c < 0x800) { *o++ = 0xc0 | c >> 6; *o++ = 0x80 | (c & 63); }
            else { *o++ = 0xe0 | c >> 12; *o++ = 0x80 | (c >> 6 & 63); *o++ = 0x80 | (c & 63); }
            break;
        }
        default: *o++ = *q;
        }
    }
    *o = 0;
    p++;
    return out;
}
static void jskip(void)
{
    ws();
    if (*p == '"') { free(jstring()); return; }
    if (*p == '{' || *p == '[') {
        char close_ = *p == '{' ? '}' : ']';
        p++; ws();
        while (*p != close_) {
            if (close_ == '}') { free(jstring()); ws(); p++; }
            jskip(); ws();
            if (*p == ',') { p++; ws(); }
        }
        p++;
        return;
    }
    while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n') p++;
}
static char *jnumber(void)
{
    ws();
    const char *s = p;
    while (*p && *p != ',' && *p != '}' && *p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') p++;
    return strndup(s, p - s);
}
static int idfield(const char *s)
{
    if (!strcmp(s, "*")) return -2;
    return (int)strtol(s, NULL, 16);
}

static void parse_info(variant *v)
{
    p = buf; ws(); p++;
    for (ws(); *p == '"'; ws()) {
        char *key = jstring(); ws(); p++; ws();
        char **slot = !strcmp(key, "category") ? &v->category : !strcmp(key, "name") ? &v->name
            : !strcmp(key, "description") ? &v->description : !strcmp(key, "variant") ? &v->variant
            : !strcmp(key, "version") ? &v->version : !strcmp(key, "status") ? &v->status : NULL;
        if (slot) *slot = jstring();
        else if (!strcmp(key, "priority")) v->priority = jnumber();
        else if (!strcmp(key, "pci_ids")) {
            p++; ws();
            while (*p == '"') {
                v->modules = xrealloc(v->modules, (v->nmodules + 1) * sizeof *v->modules);
                v->modules[v->nmodules++] = jstring(); ws(); p++; ws(); p++; ws(); /* ':' '[' */
                while (*p == '{') {
                    pciid id = { { -1, -1, -1, -1 } };
                    p++; ws();
                    while (*p == '"') {
                        char *f = jstring(); ws(); p++; ws();
                        int k = !strcmp(f, "vendor_id") ? 0 : !strcmp(f, "device_id") ? 1 : !strcmp(f, "subvendor_id") ? 2 : !strcmp(f, "subdevice_id") ? 3 : -1;
                        if (k >= 0) { char *s = jstring(); id.f[k] = idfield(s); free(s); } else jskip();
                        free(f); ws();
                        if (*p == ',') { p++; ws(); }
                    }
                    p++; ws();
                    v->ids = xrealloc(v->ids, (v->nids + 1) * sizeof *v->ids);
                    v->ids[v->nids++] = id;
                    if (*p == ',') { p++; ws(); }
                }
                p++; ws();
                if (*p == ',') { p++; ws(); }
            }
            p++;
        } else jskip();
        free(key); ws();
        if (*p == ',') p++;
    }
}

/* ---- the catalog walk ---- */
static void walk(int fd, const char *path, int kernel)
{
    listing l;
    if (list_dir(fd, &l) < 0) { close(fd); return; }
    for (int i = 0; i < l.n; i++) {
        if (strcmp(l.names[i], "info.json") || l.types[i] == DT_DIR) continue;
        if (read_small(fd, "info.json") < 0) continue;
        if (nvars == capvars) { capvars = capvars ? capvars * 2 : 256; vars = xrealloc(vars, capvars * sizeof *vars); }
        variant *v = &vars[nvars++];
        memset(v, 0, sizeof *v);
        v->kernel = kernel; v->dir = strdup(path);
        parse_info(v);
    }
    for (int i = 0; i < l.n; i++) {
        if (l.types[i] != DT_DIR) continue;
        int child = openat(fd, l.names[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (child < 0) continue;
        char *cp = cat3(path, "/", l.names[i]);
        walk(child, cp, kernel);
        free(cp);
    }
    close(fd);
    free_listing(&l);
}

/* ---- folder path -> variant, for the owner of an updates/ link's target ---- */
static int *htab; static unsigned hsize;
static unsigned hash(const char *s, size_t n) { unsigned h = 2166136261u; while (n--) h = (h ^ (unsigned char)*s++) * 16777619u; return h; }
static void index_dirs(void)
{
    hsize = 64; /* at most half full */
    while (hsize < 2u * nvars) hsize <<= 1;
    htab = malloc(hsize * sizeof *htab);
    memset(htab, -1, hsize * sizeof *htab);
    for (int i = 0; i < nvars; i++) {
        unsigned h = hash(vars[i].dir, strlen(vars[i].dir)) & (hsize - 1);
        while (htab[h] >= 0 && strcmp(vars[htab[h]].dir, vars[i].dir)) h = (h + 1) & (hsize - 1);
        if (htab[h] < 0) htab[h] = i; /* the first info.json of a folder wins */
    }
}
static int owner_of(const char *file, size_t len)
{
    for (;;) {
        while (len > 0 && file[len - 1] != '/') len--;
        if (len <= 1) return -1;
        len--; /* the folder, without its slash */
        unsigned h = hash(file, len) & (hsize - 1);
        for (; htab[h] >= 0; h = (h + 1) & (hsize - 1)) {
            const char *d = vars[htab[h]].dir;
            if (strlen(d) == len && !memcmp(d, file, len)) return htab[h];
        }
    }
}

/* Removes "." and ".." from an absolute path, in place. */
static void normalise(char *s)
{
    char *out = s, *q = s;
    while (*q) {
        while (*q == '/') q++;
        if (!*q) break;
        char *e = strchrnul(q, '/');
        size_t n = e - q;
        if (n == 1 && q[0] == '.') { q = e; continue; }
        if (n == 2 && q[0] == '.' && q[1] == '.') {
            while (out > s && *--out != '/') ;
            q = e; continue;
        }
        *out++ = '/';
        memmove(out, q, n); out += n; q = e;
    }
    if (out == s) *out++ = '/';
    *out = 0;
}

static int is_module(const char *n)
{
    static const char *suf[] = { ".ko.zst", ".ko.xz", ".ko.gz", ".ko" };
    size_t ln = strlen(n);
    for (int i = 0; i < 4; i++) {
        size_t ls = strlen(suf[i]);
        if (ln > ls && !strcmp(n + ln - ls, suf[i])) return 1;
    }
    return 0;
}

/* selected[kernel][driver-name] as a small list of (name, variant) per kernel */
typedef struct { char *driver; char *variant; } sel;
typedef struct { sel *s; int n; } kselection;

static void scan_updates(const char *kdir, kselection *ks)
{
    char *updates = cat3(kdir, "/", "updates");
    int fd = open(updates, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    listing l;
    ks->s = NULL; ks->n = 0;
    if (fd < 0 || list_dir(fd, &l) < 0) { free(updates); return; }
    close(fd);
    size_t rootlen = strlen(root);
    for (int i = 0; i < l.n; i++) {
        const char *n = l.names[i];
        if (l.types[i] != DT_LNK || n[0] == '.' || !is_module(n)) continue;
        char target[4096], full[8192];
        char *lp = cat3(updates, "/", n);
        ssize_t tl = readlink(lp, target, sizeof target - 1);
        free(lp);
        if (tl <= 0) continue;
        target[tl] = 0;
        if (target[0] == '/') snprintf(full, sizeof full, "%s", target);
        else snprintf(full, sizeof full, "%s/%s", updates + rootlen, target);
        normalise(full);
        char real[8192];
        snprintf(real, sizeof real, "%s%s", root, full);
        int o = owner_of(real, strlen(real));
        if (o < 0) continue;
        int known = 0;
        for (int j = 0; j < ks->n; j++) if (!strcmp(ks->s[j].driver, vars[o].name)) known = 1;
        if (known) continue; /* the first link (in name order) names the driver's selection */
        ks->s = xrealloc(ks->s, (ks->n + 1) * sizeof *ks->s);
        ks->s[ks->n].driver = vars[o].name; ks->s[ks->n].variant = vars[o].variant; ks->n++;
    }
    free_listing(&l);
    free(updates);
}
static const char *selected_in(kselection *ks, const char *driver)
{
    for (int j = 0; j < ks->n; j++) if (!strcmp(ks->s[j].driver, driver)) return ks->s[j].variant;
    return NULL;
}

/* ---- PCI devices ---- */
static pciid *devs; static int ndevs;
static int hex_attr(int dfd, const char *name)
{
    if (read_small(dfd, name) <= 0) return -1;
    return (int)strtol(buf, NULL, 16);
}
static void read_devices(void)
{
    char *path = cat3(root, "/sys/bus/pci/devices", "");
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    listing l;
    if (fd < 0 || list_dir(fd, &l) < 0) { free(path); return; }
    int dir = fd;
    devs = malloc((l.n + 1) * sizeof *devs);
    for (int i = 0; i < l.n; i++) {
        pciid d = { { -1, -1, -1, -1 } };
        char *ue = cat3(l.names[i], "/", "uevent");
        long n = read_small(dir, ue);
        free(ue);
        char *s;
        if (n > 0 && (s = strstr(buf, "PCI_ID="))) {
            d.f[0] = strtol(s + 7, &s, 16); d.f[1] = strtol(s + 1, NULL, 16);
            if ((s = strstr(buf, "PCI_SUBSYS_ID="))) { d.f[2] = strtol(s + 14, &s, 16); d.f[3] = strtol(s + 1, NULL, 16); }
        } else {
            int dfd = openat(dir, l.names[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dfd < 0) continue;
            d.f[0] = hex_attr(dfd, "vendor"); d.f[1] = hex_attr(dfd, "device");
            d.f[2] = hex_attr(dfd, "subsystem_vendor"); d.f[3] = hex_attr(dfd, "subsystem_device");
            close(dfd);
            if (d.f[0] < 0 || d.f[1] < 0) continue;
        }
        devs[ndevs++] = d;
    }
    close(dir);
    free_listing(&l);
    free(path);
}
static int matches(const variant *v)
{
    for (int i = 0; i < v->nids; i++)
        for (int j = 0; j < ndevs; j++) {
            int k = 0;
            for (; k < 4; k++) if (v->ids[i].f[k] != -2 && v->ids[i].f[k] != devs[j].f[k]) break;
            if (k == 4) return 1;
        }
    return 0;
}

/* ---- /sys/module ---- */
typedef struct { char *name; int state; char *note; } loaded; /* state: 0 absent, 1 loaded, 2 loaded with note file */
static char **sysmods; static int nsysmods;
static loaded *cache; static int ncache;
static int sysmodfd = -1;
static void list_sys_module(void)
{
    char *path = cat3(root, "/sys/module", "");
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    listing l;
    if (fd >= 0 && list_dir(fd, &l) == 0) {
        sysmods = l.names; nsysmods = l.n;
        sysmodfd = fd;
    }
    free(path);
}
static uint32_t u32(const unsigned char *b) { return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24; }
static loaded *module_state(const char *file)
{
    char kn[256];
    snprintf(kn, sizeof kn, "%s", file);
    static const char *suf[] = { ".ko.zst", ".ko.xz", ".ko.gz", ".ko" };
    for (int i = 0; i < 4; i++) {
        size_t ln = strlen(kn), ls = strlen(suf[i]);
        if (ln >= ls && !strcmp(kn + ln - ls, suf[i])) { kn[ln - ls] = 0; break; }
    }
    for (char *c = kn; *c; c++) if (*c == '-') *c = '_';
    for (int i = 0; i < ncache; i++) if (!strcmp(cache[i].name, kn)) return &cache[i];
    cache = xrealloc(cache, (ncache + 1) * sizeof *cache);
    loaded *m = &cache[ncache++];
    m->name = strdup(kn); m->state = 0; m->note = NULL;
    char **hit = nsysmods ? bsearch(&(char *){ kn }, sysmods, nsysmods, sizeof *sysmods, by_name) : NULL;
    if (!hit) return m;
    m->state = 1;
    char *np = cat3(kn, "/notes/", ".note.XenServer");
    long n = read_small(sysmodfd, np);
    free(np);
    if (n < 0) return m;
    m->state = 2;
    const unsigned char *b = (const unsigned char *)buf;
    for (long off = 0; off + 12 <= n;) {
        uint32_t namesz = u32(b + off), descsz = u32(b + off + 4), type = u32(b + off + 8);
        long name = off + 12, desc = name + ((namesz + 3) & ~3u);
        if (name + namesz > n || desc + descsz > n) break;
        if (type == 1 && namesz >= 9 && !memcmp(b + name, "XenServer", 9) && (namesz == 9 || b[name + 9] == 0)) {
            m->note = strndup((const char *)b + desc, descsz);
            break;
        }
        off = desc + ((descsz + 3) & ~3u);
    }
    return m;
}

/* ---- output ---- */
static char *out; static size_t outlen, outcap;
static void put(const char *s, size_t n)
{
    if (outlen + n > outcap) { outcap = (outlen + n) * 2; out = xrealloc(out, outcap); }
    memcpy(out + outlen, s, n); outlen += n;
}
static void puts_(const char *s) { put(s, strlen(s)); }
static void putstr(const char *s)
{
    put("\"", 1);
    for (; *s; s++) {
        unsigned char c = *s;
        char e[8];
        if (c == '"') put("\\\"", 2);
        else if (c == '\\') put("\\\\", 2);
        else if (c == '\n') put("\\n", 2);
        else if (c == '\r') put("\\r", 2);
        else if (c == '\t') put("\\t", 2);
        else if (c == '\b') put("\\b", 2);
        else if (c == '\f') put("\\f", 2);
        else if (c < 0x20 || c == 0x7f) { snprintf(e, sizeof e, "\\u%04X", c); put(e, 6); }
        else put((const char *)s, 1);
    }
    put("\"", 1);
}
static void putstr_or_null(const char *s) { if (s) putstr(s); else puts_("null"); }

static int by_driver_then_order(const void *x, const void *y)
{
    const variant *a = *(variant **)x, *b = *(variant **)y;
    int c = strcmp(a->name, b->name);
    return c ? c : (a < b ? -1 : a > b);
}

int main(int argc, char **argv)
{
    root = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--root") && i + 1 < argc) root = argv[++i];
        else if (argv[i][0] != '-') root = argv[i];
    }
    if (!root) { fprintf(stderr, "usage: floor-list --root DIR [-l]\n"); return 2; }

    /* Readers take the lock shared, after looking for a journal left by a switch. */
    char *state = cat3(root, "/var/lib/driver-tool", "");
    int statefd = open(state, O_RDONLY | O_DIRECTORY | O_CLOEXEC), lockfd = -1;
    if (statefd >= 0) {
        struct stat st;
        if (fstatat(statefd, "journal", &st, AT_SYMLINK_NOFOLLOW) == 0)
            fprintf(stderr, "floor-list: a journal is left; recovery is not part of the floor\n");
        lockfd = openat(statefd, "lock", O_RDONLY | O_CLOEXEC);
        if (lockfd >= 0) flock(lockfd, LOCK_SH);
    }

    /* Kernels, newest first. */
    char *modules = cat3(root, "/lib/modules", "");
    int mfd = open(modules, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    listing kl = { 0 };
    char **kernels = NULL; int nk = 0;
    if (mfd >= 0 && list_dir(mfd, &kl) == 0) {
        kernels = malloc((kl.n + 1) * sizeof *kernels);
        for (int i = 0; i < kl.n; i++) {
            struct stat st;
            char *kp = cat3(modules, "/", kl.names[i]);
            if (kl.types[i] == DT_DIR || (kl.types[i] == DT_LNK && stat(kp, &st) == 0 && S_ISDIR(st.st_mode)))
                kernels[nk++] = kl.names[i];
            free(kp);
        }
        qsort(kernels, nk, sizeof *kernels, newest_first);
    }

    /* Each kernel's catalog, in path order. */
    char **kdirs = malloc((nk + 1) * sizeof *kdirs);
    for (int k = 0; k < nk; k++) {
        kdirs[k] = cat3(modules, "/", kernels[k]);
        char *dmv = cat3(kdirs[k], "/", "dmv");
        int fd = open(dmv, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) walk(fd, dmv, k);
        free(dmv);
    }
    index_dirs();

    kselection *sels = calloc(nk + 1, sizeof *sels);
    for (int k = 0; k < nk; k++) scan_updates(kdirs[k], &sels[k]);
    read_devices();
    list_sys_module();

    /* Group the variants by driver: sorted by name, each driver's sources in kernel then path order. */
    variant **order = malloc((nvars + 1) * sizeof *order);
    for (int i = 0; i < nvars; i++) order[i] = &vars[i];
    qsort(order, nvars, sizeof *order, by_driver_then_order);

    int reboot = 0;
    puts_("{\"drivers\":{"); /* placeholder start; the head is written last, see below */
    size_t body = outlen;
    for (int i = 0; i < nvars;) {
        int j = i;
        while (j < nvars && !strcmp(order[j]->name, order[i]->name)) j++;
        const char *name = order[i]->name;

        /* Variants: the first info.json of each name, hardware present if any of its sources matches. */
        int nv = 0;
        variant **merged = malloc((j - i) * sizeof *merged);
        int *hw = calloc(j - i, sizeof *hw);
        for (int s = i; s < j; s++) {
            int dup = 0;
            for (int t = i; t < s; t++)
                if (order[t]->kernel == order[s]->kernel && !strcmp(order[t]->variant, order[s]->variant)) dup = 1;
            if (dup) continue;
            int m = 0;
            while (m < nv && strcmp(merged[m]->variant, order[s]->variant)) m++;
            if (m == nv) merged[nv++] = order[s];
            if (!hw[m]) hw[m] = matches(order[s]);
        }
        for (int a = 1; a < nv; a++) /* by variant name */
            for (int b = a; b > 0 && strcmp(merged[b - 1]->variant, merged[b]->variant) > 0; b--) {
                variant *tv = merged[b]; merged[b] = merged[b - 1]; merged[b - 1] = tv;
                int th = hw[b]; hw[b] = hw[b - 1]; hw[b - 1] = th;
            }

        const char *selected = NULL;
        for (int k = 0; k < nk && !selected; k++) selected = selected_in(&sels[k], name);
        const char *boot = nk ? selected_in(&sels[0], name) : NULL;

        /* Loaded modules: every module named, once. */
        int any = 0; const char *note = NULL;
        char **mods = NULL; int nm = 0;
        for (int s = i; s < j; s++)
            for (int m = 0; m < order[s]->nmodules; m++) {
                int seen = 0;
                for (int t = 0; t < nm; t++) if (!strcmp(mods[t], order[s]->modules[m])) seen = 1;
                if (!seen) { mods = xrealloc(mods, (nm + 1) * sizeof *mods); mods[nm++] = order[s]->modules[m]; }
            }
        char **with_note = malloc((nm + 1) * sizeof *with_note); int nwn = 0;
        for (int m = 0; m < nm; m++) {
            loaded *st = module_state(mods[m]);
            any |= st->state > 0;
            if (st->state == 2) with_note[nwn++] = mods[m];
            if (!note && st->note) note = st->note;
        }
        const char *active = NULL;
        if (note) {
            for (int m = 0; m < nv && !active; m++) if (!strcmp(merged[m]->variant, note)) active = merged[m]->variant;
            for (int m = 0; m < nv && !active; m++) if (!strcmp(merged[m]->version, note)) active = merged[m]->variant;
        }
        int boothw = 0;
        for (int m = 0; m < nv; m++) if (boot && !strcmp(merged[m]->variant, boot)) boothw = hw[m];
        int pending = any ? !((active == NULL && boot == NULL) || (active && boot && !strcmp(active, boot))) : boot && boothw;
        reboot |= pending;

        if (outlen > body) puts_(",");
        putstr(name);
        puts_(":{\"type\":"); putstr(order[i]->category);
        puts_(",\"friendly_name\":"); putstr(name);
        puts_(",\"description\":"); putstr(order[i]->description);
        puts_(",\"info\":"); putstr(name);
        puts_(",\"selected\":"); putstr_or_null(selected);
        puts_(",\"active\":"); putstr_or_null(active);
        puts_(",\"loaded modules\":[");
        for (int m = 0; m < nwn; m++) { if (m) puts_(","); putstr(with_note[m]); }
        puts_("],\"variants\":{");
        for (int m = 0; m < nv; m++) {
            if (m) puts_(",");
            putstr(merged[m]->variant);
            puts_(":{\"version\":"); putstr(merged[m]->version);
            puts_(hw[m] ? ",\"hardware_present\":true" : ",\"hardware_present\":false");
            puts_(",\"priority\":"); puts_(merged[m]->priority);
            puts_(",\"status\":"); putstr(merged[m]->status);
            puts_("}");
        }
        puts_("}}");
        free(merged); free(hw); free(mods); free(with_note);
        i = j;
    }
    puts_("}}\n");

    /* The head depends on the reboot flag, known only now. */
    char head[80];
    int hl = snprintf(head, sizeof head, "{\"protocol\":{\"version\":0.1},\"operation\":{\"reboot\":%s},", reboot ? "true" : "false");
    size_t skip = 1; /* the placeholder's "{" */
    char *whole = malloc(hl + outlen - skip);
    memcpy(whole, head, hl);
    memcpy(whole + hl, out + skip, outlen - skip);
    size_t total = hl + outlen - skip, done = 0;
    while (done < total) {
        ssize_t w = write(1, whole + done, total - done);
        if (w <= 0) return 1;
        done += w;
    }
    if (lockfd >= 0) close(lockfd);
    return 0;
}
