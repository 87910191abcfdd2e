"""The three scoring schemes of DOMAIN.md §6, as data.

Each is written as DOMAIN writes it; where the text leaves a choice open, the choice is named
in the scheme's description (and in docs/evaluation.md):

- **Shenzhen gates** (深圳, 2007): sign-for within 7 days: 100 % good, ≥ 90 % pass;
  timeliness: ≥ 80 % answered within 3 months and none overdue good, all within 6 months pass;
  satisfaction: ≥ 80 % 满意 and no 不满意 good. DOMAIN gives satisfaction no pass line, so a
  unit short of good there passes that gate. Any failed gate fails the unit.
- **Hainan points** (海南, 琼府办〔2002〕30号): speed 20, reply quality 50, result 30, out of 100
  per lead item. Speed is replying on time; reply quality is the deputy's rating of the reply
  (the reply-norm checker that could also judge it does not exist yet); result is the share of
  replies solved or being solved (A or B).
- **Qingdao deputy rating** (青岛, 2016): contact 10, face-to-face reply 30, real effect 50,
  follow-up 10. Contact is a contact logged before the reply; face-to-face is a contact in
  person, on site or at a meeting; real effect is the deputy's rating of the result; follow-up is
  an after-handling contact (办后问效).
"""

from __future__ import annotations

from typing import Any

SHENZHEN = "shenzhen-gates"
HAINAN = "hainan-points"
QINGDAO = "qingdao-deputy-rating"

PRESETS: dict[str, dict[str, Any]] = {
    SHENZHEN: {
        "name": "深圳门槛制",
        "style": "gates",
        "source": "深圳市 2007（DOMAIN.md §6）",
        "description": (
            "签收、办理时效、满意度三道门槛，各分优良、合格、不合格；任一门槛不合格则该单位不合格。"
            "满意度门槛原文只定优良线，未达优良即为合格。"
        ),
        "definition": {
            "gates": [
                {
                    "label": "7日内签收",
                    "good": [["sign_on_time", ">=", 100]],
                    "pass": [["sign_on_time", ">=", 90]],
                },
                {
                    "label": "办理时效",
                    "good": [["reply_within_limit", ">=", 80], ["reply_on_time", "==", 100]],
                    "pass": [["reply_within_cap", "==", 100]],
                },
                {
                    "label": "满意度",
                    "good": [["satisfied_share", ">=", 80], ["unsatisfied_share", "==", 0]],
                    "pass": [],
                },
            ]
        },
    },
    HAINAN: {
        "name": "海南计分制",
        "style": "points",
        "source": "琼府办〔2002〕30号（DOMAIN.md §6）",
        "description": (
            "每件主办建议满分100分：办理速度20分、答复质量50分、办理结果30分。"
            "答复质量暂以代表对答复的满意度计（答复规范检查尚未上线）。"
        ),
        "definition": {
            "total": 100,
            "items": [
                {"indicator": "reply_on_time", "weight": 20, "label": "办理速度"},
                {"indicator": "satisfaction", "weight": 50, "label": "答复质量"},
                {"indicator": "share_ab", "weight": 30, "label": "办理结果"},
            ],
        },
    },
    QINGDAO: {
        "name": "青岛代表测评",
        "style": "points",
        "source": "青岛市 2016（DOMAIN.md §6）",
        "description": (
            "代表测评满分100分：沟通联系10分、当面答复30分、实际效果50分、跟踪落实10分。"
        ),
        "definition": {
            "total": 100,
            "items": [
                {"indicator": "contact_before_reply", "weight": 10, "label": "沟通联系"},
                {"indicator": "face_to_face", "weight": 30, "label": "当面答复"},
                {"indicator": "result_satisfaction", "weight": 50, "label": "实际效果"},
                {"indicator": "follow_up_contact", "weight": 10, "label": "跟踪落实"},
            ],
        },
    },
}
