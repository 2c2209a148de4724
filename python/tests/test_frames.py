"""Frames across the boundary (Arrow PyCapsule interface): exact round trips from polars,
pyarrow and pandas, several chunks, empty frames."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from polars.testing import assert_frame_equal

import capcast
from capcast import _native
from capcast._frames import as_arrow_stream, to_polars

UTC = dt.timezone.utc


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "ServiceName": ["Amazon EC2", None, "Amazon S3 " * 10, "", "Ünïcödé ☁"],
            "BilledCost": [1.5, None, -0.000_000_1, 1e300, float("nan")],
            "ChargePeriodStart": pl.Series(
                [
                    dt.datetime(2024, 9, 1, tzinfo=UTC),
                    None,
                    dt.datetime(1970, 1, 1, tzinfo=UTC),
                    dt.datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
                    dt.datetime(1969, 7, 20, 20, 17, 40, tzinfo=UTC),
                ],
                dtype=pl.Datetime("us", "UTC"),
            ),
            "PricingQuantity": pl.Series([1, None, 3, 4, 5], dtype=pl.Int64),
            "Flag": [True, None, False, True, False],
            "Day": [dt.date(2024, 2, 29), None, dt.date(2000, 1, 1), dt.date(2024, 1, 1), None],
        }
    )


def _round_trip(frame: object) -> pl.DataFrame:
    return to_polars(_native._echo_frame(frame))


def test_polars_round_trip_is_exact() -> None:
    frame = _frame()
    back = _round_trip(frame)
    assert back.schema == frame.schema
    assert_frame_equal(back, frame)
    assert back["BilledCost"].null_count() == 1 and back["BilledCost"].is_nan().sum() == 1


def test_several_chunks_and_batches_round_trip() -> None:
    frame = pl.concat([_frame()] * 4, rechunk=False)
    assert frame.n_chunks() == 4
    assert_frame_equal(_round_trip(frame), frame)


def test_empty_frames_round_trip() -> None:
    empty = _frame().head(0)
    back = _round_trip(empty)
    assert back.height == 0 and back.schema == empty.schema
    assert _round_trip(pl.DataFrame()).shape == (0, 0)


def test_pyarrow_round_trip() -> None:
    frame = _frame()
    table = frame.to_arrow()
    assert_frame_equal(_round_trip(table), frame)
    assert_frame_equal(_round_trip(pa.RecordBatchReader.from_batches(table.schema, table.to_batches())), frame)
    # And capcast's own stream is readable by pyarrow.
    stream = _native._echo_frame(frame)
    assert pa.table(stream).num_rows == frame.height


def test_pandas_frames_come_in_as_microsecond_utc() -> None:
    data = pd.DataFrame(
        {
            "ChargePeriodStart": pd.Series(
                [
                    pd.Timestamp("2024-09-01T00:00:00Z"),
                    pd.NaT,
                    pd.Timestamp("2024-09-01T01:00:00.123456Z"),
                ],
                dtype="datetime64[ns, UTC]",
            ),
            "BilledCost": [1.25, None, 3.0],
            "ServiceName": ["a", None, "c"],
        }
    )
    back = to_polars(_native._echo_frame(as_arrow_stream(data, "costs")))
    assert back.schema["ChargePeriodStart"] == pl.Datetime("us", "UTC")
    assert back["ChargePeriodStart"].to_list() == [
        dt.datetime(2024, 9, 1, tzinfo=UTC),
        None,
        dt.datetime(2024, 9, 1, 1, 0, 0, 123_456, tzinfo=UTC),
    ]
    assert back["BilledCost"].to_list() == [1.25, None, 3.0]
    assert back["ServiceName"].to_list() == ["a", None, "c"]


def test_lazy_frames_are_collected() -> None:
    frame = _frame()
    assert_frame_equal(to_polars(_native._echo_frame(as_arrow_stream(frame.lazy(), "costs"))), frame)


def test_streams_can_be_read_twice_and_describe_themselves() -> None:
    stream = _native._echo_frame(_frame())
    assert len(stream) == 5 and stream.height == 5
    assert stream.columns == _frame().columns
    assert_frame_equal(pl.DataFrame(stream), pl.DataFrame(stream))
    assert "5 rows" in repr(stream)


def test_not_a_frame_is_a_parameter_error() -> None:
    with pytest.raises(capcast.ParameterError) as info:
        as_arrow_stream([1, 2, 3], "costs")
    assert info.value.parameter == "costs"
    with pytest.raises(capcast.ParameterError):
        _native._echo_frame(object())
    # A stream of plain arrays is not a table.
    with pytest.raises(capcast.ParameterError):
        _native._echo_frame(pa.chunked_array([[1, 2, 3]]))


def test_frames_from_capcast_are_ordinary_polars_frames(focus_sample) -> None:
    costs = capcast.read_billing(focus_sample).costs
    # Not a view on Rust memory that breaks ordinary use: filter, mutate, serialise.
    out = costs.filter(pl.col("BilledCost") > 0).with_columns(x=pl.col("BilledCost") * 2)
    assert out.height > 0
    buffer = io.BytesIO()
    out.write_ipc(buffer)
    buffer.seek(0)
    assert pl.read_ipc(buffer).equals(out)
