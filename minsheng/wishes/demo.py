"""Demo micro-wishes: 100 wishes of the demo province's three communities in every state, taken
through the real workflow. `community` (幸福里社区) has fulfilled wishes to confirm, `staff`
posted wishes to verify, `deputy` and `clerk` claims to fulfil."""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth.hashers import make_password

from minsheng.people.demo import DemoContext
from minsheng.people.models import Deputy, Organisation, Role, User
from minsheng.suggestions import attachments
from minsheng.wishes import workflow
from minsheng.wishes.models import Wish

COUNT = 100
# (state, how many): 100 in all.
PLAN = (
    ("posted", 14),
    ("rejected", 5),
    ("verified", 27),
    ("claimed", 18),
    ("fulfilled", 14),
    ("confirmed", 17),
    ("withdrawn", 5),
)
assert sum(n for _state, n in PLAN) == COUNT

NEEDS: list[tuple[str, str, str]] = [
    ("一台助行器", "health", "腿脚不便，想要一台带座椅的助行器。"),
    ("一副老花镜", "health", "看不清药瓶上的字，需要一副300度老花镜。"),
    ("一个新书包", "study", "旧书包已经破了，想要一个能装下课本的书包。"),
    ("一套课外读物", "study", "喜欢读书，想要几本适合四年级的课外书。"),
    ("一台电暖器", "daily", "冬天屋里冷，想要一台小电暖器。"),
    ("一床厚棉被", "daily", "被子太薄，想要一床厚一点的棉被。"),
    ("修理漏水的屋顶", "repair", "下雨时屋顶漏水，需要找人修补。"),
    ("更换老化电线", "repair", "家里电线老化，想请人检查更换。"),
    ("每周陪伴聊天", "service", "子女在外地，希望每周有人来陪着说说话。"),
    ("陪同去医院复查", "service", "行动不便，需要有人陪同去医院复查。"),
    ("一辆儿童自行车", "other", "想要一辆自行车，周末能和同学一起骑。"),
    ("一部老人手机", "daily", "想要一部字大、声音大的手机，方便和家人联系。"),
    ("一个助听器", "health", "听力下降，想配一个助听器。"),
    ("一张书桌", "study", "在床上写作业，想要一张小书桌。"),
    ("安装扶手", "repair", "卫生间地滑，想在墙上装扶手。"),
    ("一套冬季校服", "study", "冬季校服小了，需要一套新的。"),
    ("理发上门服务", "service", "卧床不起，希望有人上门理发。"),
    ("一袋大米和食用油", "daily", "家里困难，希望得到一些米和油。"),
]
GROUPS = [g for g, _label in Wish.Group.choices]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗"
GIVEN = "秀英桂兰建华玉兰明德春花志强小红子涵浩然婷婷"


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _evidence(i: int) -> list[tuple[Any, Any]]:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    name = f"送达照片{i:03d}.png"
    kind = attachments.sniff(io.BytesIO(PNG), name)
    assert kind is not None
    return [(SimpleUploadedFile(name, PNG), kind)]


def _workers(ctx: DemoContext, communities: list[Organisation]) -> dict[int, User]:
    """One worker per community: the cast's `community` for the first, generated (who cannot
    sign in) for the others."""
    found: dict[int, User] = {}
    for i, org in enumerate(communities):
        if i == 0 and "community" in ctx.cast:
            found[org.pk] = ctx.cast["community"]
            continue
        user, _created = User.objects.get_or_create(
            username=f"community{i + 1}",
            defaults={
                "real_name": f"{org.name.removeprefix(ctx.province.name)}网格员",
                "jurisdiction": ctx.province,
                "password": make_password(None),
            },
        )
        Role.objects.get_or_create(
            user=user, kind=Role.Kind.COMMUNITY, jurisdiction=ctx.province, organisation=org
        )
        found[org.pk] = user
    return found


def _claimants(ctx: DemoContext) -> list[User]:
    cast = [ctx.cast[name] for name in ("deputy", "clerk", "head", "committee") if name in ctx.cast]
    others = list(
        User.objects.filter(
            pk__in=Deputy.objects.filter(jurisdiction=ctx.province).values("user_id")
        )
        .exclude(pk__in=[u.pk for u in cast])
        .order_by("username")[:8]
    )
    return cast + others


def build(ctx: DemoContext) -> None:
    j = ctx.province
    if Wish.objects.filter(jurisdiction=j).exists():
        ctx.log.append("wishes: demo wishes already present, none added")
        return
    communities = list(
        Organisation.objects.filter(jurisdiction=j, kind=Organisation.Kind.COMMUNITY).order_by(
            "sort_order", "pk"
        )
    )
    if not communities or "staff" not in ctx.cast:
        return
    rng = random.Random(ctx.seed + 7)
    staff = ctx.cast["staff"]
    workers = _workers(ctx, communities)
    claimants = _claimants(ctx)
    n = 0
    for state, count in PLAN:
        for k in range(count):
            community = communities[n % len(communities)]
            title, category, details = NEEDS[n % len(NEEDS)]
            wish = workflow.post(
                by=workers[community.pk],
                community=community,
                title=title,
                description=details,
                category=category,
                group=GROUPS[rng.randrange(len(GROUPS))],
                wisher_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                wisher_phone=f"139{rng.randrange(10**8):08d}",
                wisher_address=f"{community.name.removeprefix(j.name)}{rng.randint(1, 12)}栋"
                f"{rng.randint(1, 6)}单元{rng.randint(101, 1802)}",
            )
            _take(wish, state, staff, workers[community.pk], claimants, k, n)
            n += 1
    ctx.log.append(f"wishes: {n} micro-wishes in every state")


def _take(
    wish: Wish,
    state: str,
    staff: User,
    worker: User,
    claimants: list[User],
    k: int,
    n: int,
) -> None:
    if state == "posted":
        return
    if state == "rejected":
        workflow.reject(wish, by=staff, reason="属于低保救助范围，已转民政部门办理。")
        return
    wish = workflow.verify(wish, by=staff)
    if state == "verified":
        return
    if state == "withdrawn":
        workflow.withdraw(wish, by=staff, reason="心愿人已搬离本社区。")
        return
    # The cast's deputy and clerk get the first claims, the rest go round the claimants.
    claimant = claimants[k % len(claimants)]
    wish = workflow.claim(wish, by=claimant, note="我来认领，本周内送到。")
    if state == "claimed":
        return
    wish = workflow.fulfil(
        wish, by=claimant, note="已送到心愿人家中，当面交接。", evidence=_evidence(n)
    )
    if state == "fulfilled":
        return
    workflow.confirm(wish, by=worker, note="心愿人已收到，表示感谢。")
