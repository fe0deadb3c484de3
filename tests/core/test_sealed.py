"""core.sealed's AES-GCM object per unlocked key: made once, used for sealing and opening, gone with its key."""
import gc

from leifeng_desktop.core import crypto, sealed
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.vault import Keys


def test_one_cipher_per_key_and_none_kept_after_it():
    keys = Keys(crypto.new_key())
    rt = s.record_type("member")
    row = sealed.seal_row(keys, rt, {"name": "张三", "phone": "13912345678"})
    assert crypto.is_encrypted(row["phone"]) and len(sealed._ciphers) >= 1
    made = sealed._ciphers[keys]
    assert sealed.open_row(rt, row, [keys])["phone"] == "13912345678"
    assert sealed._ciphers[keys] is made   # the same object sealed and opened
    assert crypto.decrypt(keys.data_key, row["phone"], "member.phone") == "13912345678"   # as the key alone opens it
    others = [k for k in list(sealed._ciphers.keys()) if k is not keys]   # held here: other tests' keys stay
    del keys, made
    gc.collect()
    assert len(sealed._ciphers) == len(others)   # ours went with its key
