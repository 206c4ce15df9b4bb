/*
 * floor-inspect: the least work `driver-tool inspect FILE...` has to do per module, in plain C, as
 * a reference point for bench/ratios.sh. Not product code.
 *
 * Per module file (the arguments, or with -f LIST the paths in LIST, one a line): open, fstat,
 * mmap, walk the ELF64 section headers, every note of every SHT_NOTE section (counted, the
 * XenServer type-1 text kept), the .modinfo strings (counted, vermagic and depends kept), the
 * __versions entry count (64 bytes each on x86_64), and the appended signature: the trailer
 * "~Module signature appended~\n", struct module_signature, and in the PKCS#7 SignedData a
 * minimal DER walk to the first SignerInfo's issuer CN (signer), serial (sig_key) and digest
 * algorithm (sig_hashalgo). One line per module on stdout.
 *
 * What it deliberately leaves out, compared with driver-tool inspect:
 *   - compressed modules (.ko.gz/.xz/.zst): reported as not read;
 *   - 32-bit and big-endian ELF: refused with a word, not a reason;
 *   - JSON output, repeated .modinfo keys as lists, the notes' descriptors in hex, error reasons
 *     naming the offending offset: it prints a terse line;
 *   - BER (only definite-length DER), CN types other than the string types, long serials'
 *     sign byte handling beyond dropping one leading zero;
 *   - one thread (driver-tool reads modules on every core), mmap for every file (driver-tool
 *     preads only the parts it reports from files up to 4 MiB).
 * Bounds are checked (a malformed file ends its own line, never reads out of the mapping).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const unsigned char *mb, *me; /* the mapping */

/* One DER element at *pp (bounded by end): its tag, and its content [*cs, *ce). 0 when malformed. */
static int der(const unsigned char **pp, const unsigned char *end, int *tag, const unsigned char **cs, const unsigned char **ce)
{
    const unsigned char *p = *pp;
    if (end - p < 2) return 0;
    *tag = *p++;
    size_t len = *p++;
    if (len & 0x80) {
        int n = len & 0x7f;
        if (n == 0 || n > 4 || end - p < n) return 0;
        for (len = 0; n--; ) len = len << 8 | *p++;
    }
    if ((size_t)(end - p) < len) return 0;
    *cs = p; *ce = p + len; *pp = p + len;
    return 1;
}

static const char *hash_name(const unsigned char *o, size_t n)
{
    static const unsigned char sha2[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02 };
    static const unsigned char sha1[] = { 0x2b, 0x0e, 0x03, 0x02, 0x1a };
    if (n == 5 && !memcmp(o, sha1, 5)) return "sha1";
    if (n == 9 && !memcmp(o, sha2, 8)) {
        switch (o[8]) {
        case 1: return "sha256"; case 2: return "sha384"; case 3: return "sha512"; case 4: return "sha224";
        case 8: return "sha3-256"; case 9: return "sha3-384"; case 10: return "sha3-512";
        }
    }
    return "unknown";
}

/* PKCS#7 SignedData: signer CN, serial, digest algorithm. Returns 0 when the walk fails. */
static int pkcs7(const unsigned char *p, const unsigned char *end, char *signer, size_t sn, char *serial, size_t ss, const char **hash)
{
    int t; const unsigned char *s, *e, *s2, *e2;
    if (!der(&p, end, &t, &s, &e) || t != 0x30) return 0;        /* ContentInfo */
    p = s; end = e;
    if (!der(&p, end, &t, &s, &e) || t != 0x06) return 0;        /* contentType */
    if (!der(&p, end, &t, &s, &e) || t != 0xa0) return 0;        /* [0] */
    p = s; end = e;
    if (!der(&p, end, &t, &s, &e) || t != 0x30) return 0;        /* SignedData */
    p = s; end = e;
    if (!der(&p, end, &t, &s, &e) || t != 0x02) return 0;        /* version */
    if (!der(&p, end, &t, &s, &e) || t != 0x31) return 0;        /* digestAlgorithms */
    if (!der(&p, end, &t, &s, &e) || t != 0x30) return 0;        /* encapContentInfo */
    if (!der(&p, end, &t, &s, &e)) return 0;
    if (t == 0xa0 && !der(&p, end, &t, &s, &e)) return 0;        /* certificates */
    if (t == 0xa1 && !der(&p, end, &t, &s, &e)) return 0;        /* crls */
    if (t != 0x31) return 0;                                     /* signerInfos */
    p = s; end = e;
    if (!der(&p, end, &t, &s, &e) || t != 0x30) return 0;        /* SignerInfo */
    p = s; end = e;
    if (!der(&p, end, &t, &s, &e) || t != 0x02) return 0;        /* version */
    if (!der(&p, end, &t, &s, &e) || t != 0x30) return 0;        /* issuerAndSerialNumber */
    const unsigned char *q = s, *qe = e;
    if (!der(&q, qe, &t, &s2, &e2) || t != 0x30) return 0;       /* issuer Name */
    signer[0] = 0;
    for (const unsigned char *r = s2; r < e2;) {                  /* SET { SEQ { OID, value } } */
        const unsigned char *as, *ae, *vs, *ve, *os, *oe; int tt;
        if (!der(&r, e2, &tt, &as, &ae)) return 0;
        for (const unsigned char *a = as; a < ae;) {
            const unsigned char *ss_, *se;
            if (!der(&a, ae, &tt, &ss_, &se)) return 0;
            const unsigned char *b = ss_;
            if (!der(&b, se, &tt, &os, &oe) || tt != 0x06 || !der(&b, se, &tt, &vs, &ve)) return 0;
            if (oe - os == 3 && os[0] == 0x55 && os[1] == 0x04 && os[2] == 0x03) {
                size_t n = (size_t)(ve - vs) < sn - 1 ? (size_t)(ve - vs) : sn - 1;
                memcpy(signer, vs, n); signer[n] = 0;
            }
        }
    }
    if (!der(&q, qe, &t, &s2, &e2) || t != 0x02) return 0;       /* serialNumber */
    if (e2 - s2 > 1 && s2[0] == 0) s2++;
    size_t o = 0;
    for (; s2 < e2 && o + 4 < ss; s2++) o += snprintf(serial + o, ss - o, o ? ":%02X" : "%02X", *s2);
    serial[o] = 0;
    if (!der(&p, end, &t, &s, &e) || t != 0x30) return 0;        /* digestAlgorithm */
    const unsigned char *d = s;
    if (!der(&d, e, &t, &s2, &e2) || t != 0x06) return 0;
    *hash = hash_name(s2, e2 - s2);
    return 1;
}

static void inspect(const char *path)
{
    size_t pl = strlen(path);
    if ((pl > 3 && !strcmp(path + pl - 3, ".gz")) || (pl > 3 && !strcmp(path + pl - 3, ".xz")) || (pl > 4 && !strcmp(path + pl - 4, ".zst"))) {
        printf("%s\tcompressed: not read\n", path);
        return;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) { printf("%s\terror: cannot open\n", path); if (fd >= 0) close(fd); return; }
    size_t size = st.st_size;
    void *map = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    close(fd);
    if (map == MAP_FAILED) { printf("%s\terror: cannot map\n", path); return; }
    mb = map; me = mb + size;

    /* The signature trailer first: the ELF image is what lies before it. */
    static const char magic[] = "~Module signature appended~\n";
    size_t ml = sizeof magic - 1, image = size;
    char signer[256] = "", serial[256] = "";
    const char *hash = "", *idtype = "none";
    if (size >= ml + 12 && !memcmp(me - ml, magic, ml)) {
        const unsigned char *info = me - ml - 12;
        uint32_t siglen = (uint32_t)info[8] << 24 | info[9] << 16 | info[10] << 8 | info[11];
        if (siglen && siglen <= (size_t)(info - mb)) {
            image = info - mb - siglen;
            idtype = info[2] == 2 ? "PKCS#7" : info[2] == 1 ? "X509" : info[2] == 0 ? "PGP" : "unknown";
            if (info[2] == 2 && !pkcs7(mb + image, info, signer, sizeof signer, serial, sizeof serial, &hash)) hash = "malformed";
        }
    }

    const Elf64_Ehdr *eh = map;
    if (image < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB
        || eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > image || (image - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum
        || eh->e_shstrndx >= eh->e_shnum) {
        printf("%s\terror: not a 64-bit little-endian ELF\n", path);
        munmap(map, size);
        return;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(mb + eh->e_shoff);
    const Elf64_Shdr *strs = &sh[eh->e_shstrndx];
    int notes = 0, fields = 0, versions = -1;
    char xen[128] = "", vermagic[256] = "", depends[512] = "";
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type == SHT_NOBITS || sh[i].sh_offset > image || image - sh[i].sh_offset < sh[i].sh_size) continue;
        if (sh[i].sh_name >= strs->sh_size || strs->sh_offset + strs->sh_size > image) continue;
        const char *name = (const char *)mb + strs->sh_offset + sh[i].sh_name;
        const unsigned char *s = mb + sh[i].sh_offset, *e = s + sh[i].sh_size;
        if (sh[i].sh_type == SHT_NOTE) {
            for (const unsigned char *n = s; e - n >= 12;) {
                uint32_t nsz, dsz, type;
                memcpy(&nsz, n, 4); memcpy(&dsz, n + 4, 4); memcpy(&type, n + 8, 4);
                const unsigned char *nm = n + 12, *ds = nm + ((nsz + 3) & ~3u);
                if (nsz > (size_t)(e - nm) || ds > e || dsz > (size_t)(e - ds)) break;
                notes++;
                if (type == 1 && nsz >= 9 && !memcmp(nm, "XenServer", 9)) snprintf(xen, sizeof xen, "%.*s", (int)strnlen((const char *)ds, dsz), ds);
                n = ds + ((dsz + 3) & ~3u);
            }
        } else if (!strcmp(name, ".modinfo")) {
            for (const unsigned char *f = s; f < e;) {
                const unsigned char *z = memchr(f, 0, e - f);
                if (!z) z = e;
                if (z > f) {
                    fields++;
                    if (z - f > 9 && !memcmp(f, "vermagic=", 9)) snprintf(vermagic, sizeof vermagic, "%.*s", (int)(z - f - 9), f + 9);
                    if (z - f >= 8 && !memcmp(f, "depends=", 8)) snprintf(depends, sizeof depends, "%.*s", (int)(z - f - 8), f + 8);
                }
                f = z + 1;
            }
        } else if (!strcmp(name, "__versions")) {
            versions = sh[i].sh_size / 64;
        }
    }
    printf("%s\tnotes=%d xenserver=%s modinfo=%d vermagic=%s depends=%s versions=%d sig=%s signer=%s sig_key=%s sig_hashalgo=%s\n",
           path, notes, xen, fields, vermagic, depends, versions, idtype, signer, serial, hash);
    munmap(map, size);
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: floor-inspect FILE... | floor-inspect -f LIST\n"); return 2; }
    if (!strcmp(argv[1], "-f") && argc == 3) {
        FILE *list = fopen(argv[2], "r");
        if (!list) { perror(argv[2]); return 1; }
        char line[4096];
        while (fgets(line, sizeof line, list)) {
            line[strcspn(line, "\n")] = 0;
            if (line[0]) inspect(line);
        }
        fclose(list);
    } else {
        for (int i = 1; i < argc; i++) inspect(argv[i]);
    }
    return 0;
}
