/* cgroup_bpf.c - the cgroup v2 device filter: a BPF_PROG_TYPE_CGROUP_DEVICE program */
#include "runtime/cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

struct prog {
	struct bpf_insn *v;
	size_t n;
};

static void
emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	memset(&p->v[p->n], 0, sizeof(p->v[p->n]));
	p->v[p->n].code = code;
	p->v[p->n].dst_reg = dst & 0xf;
	p->v[p->n].src_reg = src & 0xf;
	p->v[p->n].off = off;
	p->v[p->n].imm = imm;
	p->n++;
}

#define LDX_W(p, dst, src, off) emit(p, BPF_LDX | BPF_W | BPF_MEM, dst, src, off, 0)
#define ALU32_K(p, op, dst, imm) emit(p, BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV32_R(p, dst, src) emit(p, BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_K(p, dst, imm) emit(p, BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JNE_K(p, dst, imm, off) emit(p, BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define EXIT(p) emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

struct rule {
	bool allow;
	int type;	/* 0 all, else BPF_DEVCG_DEV_* */
	int access;	/* BPF_DEVCG_ACC_* bits */
	int64_t major, minor; /* -1: any */
};

static int
parse_rule(json_t *dev, struct rule *r, struct pod_err **err)
{
	cleanup_free char *line = NULL;
	char type, access[4] = "";
	char maj[16] = "", min[16] = "";
	size_t i;

	/* one parser for both back-ends: go through the v1 text form */
	if (pod_cgroup_device_rule(dev, &r->allow, &line, err) < 0)
		return -1;
	if (sscanf(line, "%c %15[^:]:%15s %3s", &type, maj, min, access) != 4)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid device rule \"%s\"", line);
	r->type = type == 'a' ? 0 : type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
	r->access = 0;
	for (i = 0; access[i]; i++)
		r->access |= access[i] == 'r' ? BPF_DEVCG_ACC_READ
			     : access[i] == 'w' ? BPF_DEVCG_ACC_WRITE
						 : BPF_DEVCG_ACC_MKNOD;
	if (STREQ(maj, "*"))
		r->major = -1;
	else if (!pod_parse_int64(maj, &r->major) || r->major > INT32_MAX)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid device major \"%s\"", maj);
	if (STREQ(min, "*"))
		r->minor = -1;
	else if (!pod_parse_int64(min, &r->minor) || r->minor > INT32_MAX)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid device minor \"%s\"", min);
	return 0;
}

static void
build(struct prog *p, const struct rule *rules, size_t n)
{
	size_t i;
	const int all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;

	/* r2 = type, r3 = access, r4 = major, r5 = minor (struct bpf_cgroup_dev_ctx) */
	LDX_W(p, BPF_REG_2, BPF_REG_1, 0);
	ALU32_K(p, BPF_AND, BPF_REG_2, 0xffff);
	LDX_W(p, BPF_REG_3, BPF_REG_1, 0);
	ALU32_K(p, BPF_RSH, BPF_REG_3, 16);
	LDX_W(p, BPF_REG_4, BPF_REG_1, 4);
	LDX_W(p, BPF_REG_5, BPF_REG_1, 8);
	/* the last matching rule decides: test them from the end */
	for (i = n; i-- > 0;) {
		const struct rule *r = &rules[i];
		int16_t len = 2;

		len += r->type ? 1 : 0;
		len += r->access != all ? 3 : 0;
		len += r->major >= 0 ? 1 : 0;
		len += r->minor >= 0 ? 1 : 0;
		if (r->type) {
			len--;
			JNE_K(p, BPF_REG_2, r->type, len);
		}
		if (r->access != all) {
			/* every requested bit must be in the rule */
			MOV32_R(p, BPF_REG_1, BPF_REG_3);
			ALU32_K(p, BPF_AND, BPF_REG_1, ~r->access & all);
			len -= 3;
			JNE_K(p, BPF_REG_1, 0, len);
		}
		if (r->major >= 0) {
			len--;
			JNE_K(p, BPF_REG_4, (int32_t) r->major, len);
		}
		if (r->minor >= 0) {
			len--;
			JNE_K(p, BPF_REG_5, (int32_t) r->minor, len);
		}
		MOV64_K(p, BPF_REG_0, r->allow ? 1 : 0);
		EXIT(p);
		if (len == 2 && !r->type && r->access == all && r->major < 0 && r->minor < 0)
			return; /* matches everything: earlier rules cannot be reached */
	}
	MOV64_K(p, BPF_REG_0, 0);
	EXIT(p);
}

static int
sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int) syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int
pod_cgroup_bpf_devices(const char *dir, json_t *devices, struct pod_err **err)
{
	cleanup_free struct rule *rules = NULL;
	struct prog p = { 0 };
	cleanup_close int dirfd = -1, progfd = -1;
	uint32_t ids[64];
	union bpf_attr attr;
	size_t n = json_array_size(devices), i;
	uint32_t old = 0;
	json_t *d;

	rules = xcalloc(n + 1, sizeof(*rules));
	json_array_foreach(devices, i, d)
		if (parse_rule(d, &rules[i], err) < 0)
			return -1;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return pod_err_sys(err, "opening \"%s\"", dir);
	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t) dirfd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t) (uintptr_t) ids;
	attr.query.prog_cnt = ARRAY_SIZE(ids);
	if (sys_bpf(BPF_PROG_QUERY, &attr) == 0)
		old = attr.query.prog_cnt;
	if (n > 0) {
		build(&p, rules, n);
		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
		attr.insns = (uint64_t) (uintptr_t) p.v;
		attr.insn_cnt = (uint32_t) p.n;
		attr.license = (uint64_t) (uintptr_t) "GPL";
		progfd = sys_bpf(BPF_PROG_LOAD, &attr);
		free(p.v);
		if (progfd < 0)
			return pod_err_sys(err, "loading the device filter for \"%s\"", dir);
		memset(&attr, 0, sizeof(attr));
		attr.target_fd = (uint32_t) dirfd;
		attr.attach_bpf_fd = (uint32_t) progfd;
		attr.attach_type = BPF_CGROUP_DEVICE;
		attr.attach_flags = BPF_F_ALLOW_MULTI;
		if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
			return pod_err_sys(err, "attaching the device filter to \"%s\"", dir);
	}
	/* the new program is in place: drop the ones it replaces */
	for (i = 0; i < old && i < ARRAY_SIZE(ids); i++) {
		cleanup_close int fd = -1;

		memset(&attr, 0, sizeof(attr));
		attr.prog_id = ids[i];
		fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
		if (fd < 0)
			continue;
		memset(&attr, 0, sizeof(attr));
		attr.target_fd = (uint32_t) dirfd;
		attr.attach_bpf_fd = (uint32_t) fd;
		attr.attach_type = BPF_CGROUP_DEVICE;
		if (sys_bpf(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
			return pod_err_sys(err, "detaching the old device filter from \"%s\"", dir);
	}
	return 0;
}
