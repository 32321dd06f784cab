"""Independent decoder for test/zcl/foundation.test.ts: reads a JSON list of
{"kind", "hex"} on stdin, decodes each with zigpy (a Python ZCL implementation) and prints
a JSON list of plain values."""
import json
import sys

import zigpy.types as t
import zigpy.zcl.foundation as f


def plain(v):
    try:
        return int(v)
    except TypeError:
        return int.from_bytes(v.serialize(), "little")


def header(data):
    hdr, rest = f.ZCLHeader.deserialize(data)
    fc = hdr.frame_control
    return {
        "frameType": int(fc.frame_type),
        "manufacturerSpecific": int(fc.is_manufacturer_specific),
        "direction": int(fc.direction),
        "disableDefaultResponse": int(fc.disable_default_response),
        "manufacturerCode": None if hdr.manufacturer is None else int(hdr.manufacturer),
        "seq": int(hdr.tsn),
        "commandId": int(hdr.command_id),
        "payload": rest.hex(),
    }


def read_attrs(data):
    ids, rest = t.List[t.uint16_t].deserialize(data)
    assert rest == b""
    return [int(i) for i in ids]


def read_attrs_rsp(data):
    out = []
    while data:
        rec, data = f.ReadAttributeRecord.deserialize(data)
        item = {"attributeId": int(rec.attrid), "status": int(rec.status)}
        if rec.status == f.Status.SUCCESS:
            item["dataType"] = int(rec.value.type)
            item["value"] = plain(rec.value.value)
        out.append(item)
    return out


def write_attrs(data):
    out = []
    while data:
        rec, data = f.Attribute.deserialize(data)
        out.append({"attributeId": int(rec.attrid), "dataType": int(rec.value.type), "value": plain(rec.value.value)})
    return out


def write_attrs_rsp(data):
    recs, rest = f.WriteAttributesResponse.deserialize(data)
    assert rest == b""
    return [{"status": int(r.status), "attributeId": int(r.attrid)} for r in recs if r.status != f.Status.SUCCESS]


def default_rsp(data):
    cmd, data = t.uint8_t.deserialize(data)
    status, data = f.Status.deserialize(data)
    assert data == b""
    return {"commandId": int(cmd), "status": int(status)}


KINDS = {
    "header": header,
    "read_attrs": read_attrs,
    "read_attrs_rsp": read_attrs_rsp,
    "write_attrs": write_attrs,
    "write_attrs_rsp": write_attrs_rsp,
    "default_rsp": default_rsp,
}

print(json.dumps([KINDS[item["kind"]](bytes.fromhex(item["hex"])) for item in json.load(sys.stdin)]))
