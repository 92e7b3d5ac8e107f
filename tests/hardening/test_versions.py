"""Versions against lost updates, over a live server on either store: ``ETag`` on reads,
``If-Match`` honoured on changes (412 on a mismatch), and a history that is a true chain even
when many corrections of one quote arrive at once."""

import threading

import httpx

from tests.hardening.conftest import Live

QUOTE = "/v1/quotes/9"


def test_a_change_sent_with_a_stale_etag_is_refused_with_412(live: Live) -> None:
    with httpx.Client(base_url=live.base, headers=live.headers) as client:
        tag = client.get(QUOTE).headers["etag"]
        assert tag == '"0"'  # never changed since the seed
        first = client.patch(QUOTE, json={"cue": "said Blinken"}, headers={"If-Match": tag})
        assert first.status_code == 200 and first.headers["etag"] == '"1"'
        stale = client.patch(QUOTE, json={"cue": "Blinken said"}, headers={"If-Match": tag})
        assert stale.status_code == 412
        assert stale.headers["content-type"] == "application/problem+json"
        assert stale.json()["type"] == "/problems/precondition-failed"
        assert stale.headers["etag"] == '"1"'
        assert client.get(QUOTE).json()["cue"] == "said Blinken"  # the first change stands
        assert client.delete(QUOTE, headers={"If-Match": tag}).status_code == 412
        assert client.delete(QUOTE, headers={"If-Match": 'W/"1"'}).status_code == 412
        assert client.get(f"{QUOTE}/history").json()["revisions"][-1]["version"] == 1
        assert client.delete(QUOTE, headers={"If-Match": '"7", "1"'}).status_code == 204
        assert client.get(QUOTE).status_code == 410


def test_of_two_changes_from_the_same_version_exactly_one_is_made(live: Live) -> None:
    with httpx.Client(base_url=live.base, headers=live.headers) as reader:
        for round_number in range(5):
            tag = reader.get(QUOTE).headers["etag"]
            barrier = threading.Barrier(2)
            statuses: list[int] = []

            def change(
                writer: int,
                tag: str = tag,
                round_number: int = round_number,
                barrier: threading.Barrier = barrier,
                statuses: list[int] = statuses,
            ) -> None:
                with httpx.Client(base_url=live.base, headers=live.headers, timeout=30) as c:
                    barrier.wait()
                    answer = c.patch(
                        QUOTE,
                        json={"cue": f"round {round_number} writer {writer}"},
                        headers={"If-Match": tag},
                    )
                    statuses.append(answer.status_code)

            threads = [threading.Thread(target=change, args=(n,)) for n in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert sorted(statuses) == [200, 412], statuses


def test_concurrent_corrections_leave_a_true_history_chain(live: Live) -> None:
    writers, each = 6, 7

    def correct(writer: int) -> None:
        with httpx.Client(base_url=live.base, headers=live.headers, timeout=30) as client:
            for n in range(each):
                answer = client.patch(QUOTE, json={"cue": f"writer {writer} change {n}"})
                assert answer.status_code == 200, answer.text

    threads = [threading.Thread(target=correct, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    history = httpx.get(f"{live.base}{QUOTE}/history").json()
    revisions = history["revisions"]
    assert [r["version"] for r in revisions] == list(range(1, writers * each + 1))
    for earlier, later in zip(revisions, revisions[1:], strict=False):
        assert later["changes"]["cue"]["before"] == earlier["changes"]["cue"]["after"]
    assert history["current"]["cue"] == revisions[-1]["changes"]["cue"]["after"]


def test_speakers_carry_versions_too(live: Live) -> None:
    with httpx.Client(base_url=live.base, headers=live.headers) as client:
        tag = client.get("/v1/speakers/cameron").headers["etag"]
        role = {"role": "Foreign Secretary"}
        assert client.patch("/v1/speakers/cameron", json=role, headers={"If-Match": tag}).is_success
        assert client.get("/v1/speakers/cameron").headers["etag"] != tag
        again = client.patch("/v1/speakers/cameron", json={"role": "x"}, headers={"If-Match": tag})
        assert again.status_code == 412
        assert client.get("/v1/speakers/cameron").json()["role"] == "Foreign Secretary"
