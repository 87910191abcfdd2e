"""insight.routing: the routing table's proposal, as pure functions over plain data."""

from minsheng.insight.routing import RoutingTable, Rule

# 1 交通运输 ├ 2 农村公路 └ 3 城市道路;  4 教育 (no rule)
PARENTS = {1: None, 2: 1, 3: 1, 4: None}


def table(*rules):
    return RoutingTable(rules, PARENTS)


def test_the_most_specific_rule_wins():
    t = table(
        Rule(1, "", lead_unit_id=10),
        Rule(2, "", lead_unit_id=20),
        Rule(2, "青川市", lead_unit_id=21),
    )
    assert t.find(2, "青川市").lead_unit_id == 21  # category and region
    assert t.find(2, "白沙县").lead_unit_id == 20  # the category for the whole jurisdiction
    assert t.find(3, "青川市").lead_unit_id == 10  # the parent category
    assert t.find(4) is None and t.find(None) is None


def test_a_region_rule_of_a_parent_loses_to_the_childs_whole_jurisdiction_rule():
    t = table(Rule(1, "青川市", lead_unit_id=11), Rule(2, "", lead_unit_id=20))
    assert t.find(2, "青川市").lead_unit_id == 20
    assert t.find(3, "青川市").lead_unit_id == 11


def test_the_proposal_never_repeats_the_lead_unit_as_joint():
    t = table(Rule(2, "", lead_unit_id=20, joint_unit_ids=(30, 20, 31, 30), rule_id=7))
    proposal = t.propose(2, "")
    assert (proposal.lead_unit_id, proposal.joint_unit_ids) == (20, (30, 31))
    assert proposal.rule.rule_id == 7
    assert t.propose(4, "") is None


def test_regions_are_compared_without_surrounding_spaces():
    t = table(Rule(2, " 青川市 ", lead_unit_id=21))
    assert t.find(2, "青川市 ").lead_unit_id == 21


def test_a_loop_in_the_category_tree_ends():
    t = RoutingTable([Rule(9, "", lead_unit_id=90)], {1: 2, 2: 1})
    assert t.find(1) is None
    assert len(t) == 1
