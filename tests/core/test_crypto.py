"""core.crypto: values sealed to their place, scrypt keys from passwords, recovery keys, keyed lookups."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leifeng_desktop.core import crypto


def test_a_value_opens_only_with_its_key_and_place():
    key = crypto.new_key()
    token = crypto.encrypt(key, "110101198503120017", "member.id_number")
    assert token.startswith("enc1:") and "110101198503120017" not in token
    assert crypto.decrypt(key, token, "member.id_number") == "110101198503120017"
    with pytest.raises(crypto.DecryptError):
        crypto.decrypt(key, token, "household.id_number")   # moved to another column
    with pytest.raises(crypto.DecryptError):
        crypto.decrypt(crypto.new_key(), token, "member.id_number")
    with pytest.raises(crypto.DecryptError):
        crypto.decrypt(key, token[:-4] + "AAAA", "member.id_number")


def test_the_same_value_encrypts_differently_each_time():
    key = crypto.new_key()
    assert crypto.encrypt(key, "13800000000", "unit.phone") != crypto.encrypt(key, "13800000000", "unit.phone")


def test_password_key_depends_on_password_and_salt():
    salt = crypto.new_salt()
    a = crypto.password_key("办公室密码1", salt, n=2**10)
    assert a == crypto.password_key("办公室密码1", salt, n=2**10) and len(a) == 32
    assert a != crypto.password_key("办公室密码2", salt, n=2**10)
    assert a != crypto.password_key("办公室密码1", crypto.new_salt(), n=2**10)


def test_recovery_keys_are_eight_groups_of_five_and_read_loosely():
    key = crypto.new_recovery_key()
    groups = key.split("-")
    assert len(groups) == 8 and all(len(g) == 5 and set(g) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for g in groups)
    typed = " ".join(groups).lower()
    assert crypto.normal_recovery_key(typed) == key.replace("-", "")
    salt = crypto.new_salt()
    assert crypto.recovery_wrapping_key(typed, salt) == crypto.recovery_wrapping_key(key, salt)
    assert crypto.normal_recovery_key("ABCDE-12345") == ""


def test_lookup_hashes_match_normalised_values_only_under_the_key():
    key = crypto.sub_key(crypto.new_key(), "lookup")
    one = crypto.lookup_hash(key, "member.id_number", crypto.normal_lookup("11010119850312001x"))
    assert one == crypto.lookup_hash(key, "member.id_number", crypto.normal_lookup(" 11010119850312001X"))
    assert one != crypto.lookup_hash(crypto.sub_key(crypto.new_key(), "lookup"), "member.id_number",
                                     "11010119850312001X")
    assert crypto.last_digits("138-0013-8000") == "8000" and crypto.last_digits("12") == ""


def test_locked_marker_reads_as_encrypted():
    assert crypto.LOCKED == "已加密" and crypto.is_locked(crypto.LOCKED) and not crypto.is_locked("张三")


def test_a_cipher_made_once_seals_and_opens_as_the_key_does():
    key = crypto.new_key()
    aead = crypto.cipher(key)
    by_cipher = crypto.encrypt(aead, "13912345678", "member.phone")
    assert crypto.decrypt(key, by_cipher, "member.phone") == "13912345678"
    assert crypto.decrypt(aead, crypto.encrypt(key, "13912345678", "member.phone"), "member.phone") == "13912345678"
    with pytest.raises(crypto.DecryptError):
        crypto.decrypt(crypto.cipher(crypto.new_key()), by_cipher, "member.phone")


def test_stored_forms_are_those_older_files_hold():
    """Fixed vectors (no format change): a value sealed by the first release's code (AESGCM made per value) opens,
    and the keyed hashes are HMAC-SHA256 as hmac.new gave them."""
    import base64
    import hashlib
    import hmac

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    key, nonce = bytes(range(32)), bytes(12)
    old = "enc1:" + base64.b64encode(nonce + AESGCM(key).encrypt(nonce, "张三".encode(), b"member.name")).decode()
    assert crypto.decrypt(key, old, "member.name") == crypto.decrypt(crypto.cipher(key), old, "member.name") == "张三"
    assert crypto.lookup_hash(key, "member.phone", "139") == hmac.new(key, b"member.phone\x00139",
                                                                      hashlib.sha256).hexdigest()
    assert crypto.sub_key(key, "lookup") == hmac.new(key, b"leifeng/lookup", hashlib.sha256).digest()
    salt = bytes(16)
    typed = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z2345-67ABC-DEFGH"
    assert crypto.recovery_wrapping_key(typed, salt) == hmac.new(salt, typed.replace("-", "").encode(),
                                                                 hashlib.sha256).digest()


@given(st.text(alphabet=" -\t0123456789xX身份證abc\n", max_size=30))
def test_normal_lookup_drops_spaces_tabs_and_dashes_only(text):
    assert crypto.normal_lookup(text) == "".join(ch for ch in text if ch not in " -\t").upper()
