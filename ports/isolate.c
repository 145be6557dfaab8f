/* isolate: drop-everything BPF classifier on clsact ingress (isolate.h). */
#include "ports/isolate.h"

#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ports/nl.h"

static int
isolate_prog_load(void)
{
    struct bpf_insn insns[2];
    union bpf_attr attr;
    static const char license[] = "GPL";

    memset(insns, 0, sizeof insns);
    insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;   /* r0 = TC_ACT_SHOT */
    insns[0].dst_reg = BPF_REG_0;
    insns[0].imm = TC_ACT_SHOT;
    insns[1].code = BPF_JMP | BPF_EXIT;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_SCHED_CLS;
    attr.insn_cnt = 2;
    attr.insns = (uint64_t) (uintptr_t) insns;
    attr.license = (uint64_t) (uintptr_t) license;
    strncpy(attr.prog_name, "xvs_isolate", sizeof attr.prog_name - 1);
    return (int) syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
}

static struct nlmsghdr *
tc_msg(uint8_t *buf, uint16_t type, uint16_t flags, int ifindex, uint32_t parent,
       uint32_t handle, uint32_t info, const char *kind)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct tcmsg *tcm;

    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = flags;
    tcm = mnl_nlmsg_put_extra_header(nlh, sizeof *tcm);
    tcm->tcm_family = AF_UNSPEC;
    tcm->tcm_ifindex = ifindex;
    tcm->tcm_parent = parent;
    tcm->tcm_handle = handle;
    tcm->tcm_info = info;
    mnl_attr_put_strz(nlh, TCA_KIND, kind);
    return nlh;
}

#define FILTER_PARENT TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
#define FILTER_INFO TC_H_MAKE((uint32_t) ISOLATE_PRIO << 16, htons(ETH_P_ALL))

int
isolate_ingress(struct mnl_socket *nl, int ifindex, bool *created_qdisc)
{
    uint8_t buf[1024];
    struct nlmsghdr *nlh;
    struct nlattr *opts;
    int prog, r;

    nlh = tc_msg(buf, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex, TC_H_CLSACT,
                 TC_H_MAKE(TC_H_CLSACT, 0), 0, "clsact");
    r = nl_request(nl, nlh);
    if (r && r != -EEXIST) {
        return r;
    }
    *created_qdisc = !r;

    prog = isolate_prog_load();
    if (prog < 0) {
        r = -errno;
        goto fail;
    }
    nlh = tc_msg(buf, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, ifindex, FILTER_PARENT,
                 ISOLATE_HANDLE, FILTER_INFO, "bpf");
    opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    mnl_attr_put_u32(nlh, TCA_BPF_FD, (uint32_t) prog);
    mnl_attr_put_strz(nlh, TCA_BPF_NAME, "xvs-isolate");
    mnl_attr_put_u32(nlh, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
    mnl_attr_nest_end(nlh, opts);
    r = nl_request(nl, nlh);
    close(prog);          /* the filter holds its own reference */
    if (r == -EEXIST) {
        r = 0;            /* left by an xvsd that did not stop cleanly */
    }
    if (!r) {
        return 0;
    }
fail:
    if (*created_qdisc) {
        isolate_remove(nl, ifindex, true);
    }
    return r;
}

void
isolate_remove(struct mnl_socket *nl, int ifindex, bool created_qdisc)
{
    uint8_t buf[512];

    if (created_qdisc) {
        /* Deleting the qdisc deletes its filters. */
        nl_request(nl, tc_msg(buf, RTM_DELQDISC, 0, ifindex, TC_H_CLSACT,
                              TC_H_MAKE(TC_H_CLSACT, 0), 0, "clsact"));
    } else {
        nl_request(nl, tc_msg(buf, RTM_DELTFILTER, 0, ifindex, FILTER_PARENT,
                              ISOLATE_HANDLE, FILTER_INFO, "bpf"));
    }
}
