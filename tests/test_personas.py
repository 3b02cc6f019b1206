from coproduce.participants.selectors import participants_visible_to
from tests.personas import Personas


def test_each_persona_sees_the_participants_their_role_allows(personas: Personas) -> None:
    def visible(user: object) -> set[str]:
        return set(participants_visible_to(user).values_list("reference", flat=True))

    assert visible(personas.participant.user) == {"MIW-FIF-00001"}
    assert visible(personas.keyworker.user) == {"MIW-FIF-00001", "MIW-FIF-00002"}
    assert visible(personas.other_keyworker.user) == {"MIW-FIF-00003"}
    assert visible(personas.manager.user) == {"MIW-FIF-00001", "MIW-FIF-00002", "MIW-FIF-00003"}
    assert visible(personas.glasgow_manager.user) == {"MIW-GLA-00001"}
    for nobody in (personas.partner_worker.user, personas.funder.user, personas.evaluator.user, personas.administrator):
        assert visible(nobody) == set()
