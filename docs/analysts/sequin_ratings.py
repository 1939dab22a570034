"""SeQuIn's submitted ratings as a pandas DataFrame: pulled incrementally, compressed on the wire."""
import gzip
import urllib.parse
import urllib.request

import pandas as pd

# One rating per unit, month and standard: a later pull's row replaces an earlier one.
KEY = ["unit", "month", "standard"]
# submittedAt is stamped when an assessment is submitted and becomes visible when that transaction commits, a
# moment later: each pull re-reads this much before the latest time it has, and the duplicates are dropped.
OVERLAP = pd.Timedelta(minutes=10)
COLUMNS = {
    "network": "string", "collaborative": "string", "provider": "string", "sector": "string", "unit": "string",
    "securityLevel": "string", "month": "string", "frameworkVersion": "string", "area": "string",
    "standard": "string", "value": "Int64", "notApplicable": "boolean", "submittedAt": "string",
}


def fetch_ratings(base_url, api_key, updated_since=None, **filters):
    """Ratings submitted at or after updated_since (a UTC pandas Timestamp; None for all), e.g. areaCode=["INV"]."""
    query = dict(filters)
    if updated_since is not None:
        query["updatedSince"] = updated_since.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    url = f"{base_url}/api/v1/exports/ratings.csv?" + urllib.parse.urlencode(query, doseq=True)
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {api_key}", "Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        # Read as it arrives: the export is streamed, at any size.
        body = gzip.GzipFile(fileobj=response) if response.headers.get("Content-Encoding") == "gzip" else response
        frame = pd.read_csv(body, dtype=COLUMNS, keep_default_na=False, na_values={"collaborative": [""], "value": [""]})
    frame["month"] = pd.to_datetime(frame["month"], format="%Y-%m")
    frame["submittedAt"] = pd.to_datetime(frame["submittedAt"], format="%Y-%m-%dT%H:%M:%S.%fZ", utc=True)
    return frame


def update_ratings(frame, base_url, api_key, **filters):
    """frame (None the first time) with every rating submitted since its latest, as one rating per KEY."""
    if frame is None or frame.empty:
        return fetch_ratings(base_url, api_key, **filters)
    newer = fetch_ratings(base_url, api_key, frame["submittedAt"].max() - OVERLAP, **filters)
    merged = pd.concat([frame, newer], ignore_index=True).sort_values("submittedAt", kind="stable")
    return merged.drop_duplicates(KEY, keep="last").sort_values(KEY, ignore_index=True)


if __name__ == "__main__":
    import os

    base_url, api_key = os.environ["SEQUIN_URL"], os.environ["SEQUIN_KEY"]
    store = "sequin-ratings.pkl"
    ratings = pd.read_pickle(store) if os.path.exists(store) else None
    ratings = update_ratings(ratings, base_url, api_key)
    ratings.to_pickle(store)
    print(f"{len(ratings)} ratings, the latest submitted {ratings['submittedAt'].max()}")
