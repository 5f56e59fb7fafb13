"""Writes the small hostile-input registries of this folder (run it after changing a case;
the files are committed). The two large cases (a 50 MB attribute, nesting 100,000 deep)
are written by the test itself, into a temporary folder."""
from pathlib import Path

HERE = Path(__file__).parent

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<registry>
    <tags><tag name="KHR"/></tags>
    <types>
        <type category="enum" name="VkResult"/>
        <type category="enum" name="VkFoo"/>
        <type category="bitmask" name="VkBarFlags" requires="VkBarFlagBits"><type>VkFlags</type> <name>VkBarFlags</name></type>
        <type category="enum" name="VkBarFlagBits"/>
        <type category="bitmask" name="VkWideFlags2" bitvalues="VkWideFlagBits2"><type>VkFlags64</type> <name>VkWideFlags2</name></type>
        <type category="enum" name="VkWideFlagBits2"/>
    </types>
    <enums name="VkResult" type="enum">
        <enum value="0" name="VK_SUCCESS"/>
    </enums>
    <enums name="VkFoo" type="enum">
        <enum value="0" name="VK_FOO_A"/>
    </enums>
    <enums name="VkBarFlagBits" type="bitmask">
        <enum bitpos="0" name="VK_BAR_A_BIT"/>
    </enums>
    <enums name="VkWideFlagBits2" type="bitmask" bitwidth="64">
        <enum bitpos="40" name="VK_WIDE_2_A_BIT"/>
    </enums>
    <feature api="vulkan" name="VK_VERSION_1_0" number="1.0">
        <require>
            <type name="VkResult"/>
            <type name="VkFoo"/>
            <type name="VkBarFlags"/>
            <type name="VkWideFlags2"/>
        </require>
    </feature>
    <extensions>
        <extension name="VK_KHR_test" number="1" supported="vulkan">
            <require>
                <enum value="1" name="VK_KHR_TEST_SPEC_VERSION"/>
"""
TAIL = """            </require>
        </extension>
    </extensions>
</registry>
"""


def registry(require="", extensions=""):
    text = HEAD + require + TAIL
    if extensions:
        text = text.replace("    </extensions>", extensions + "    </extensions>")
    return text


CASES = {
    # Not a registry at all.
    "not-xml.xml": "this is not XML\n",
    "empty-file.xml": "",
    "truncated.xml": registry()[: registry().index("<feature")],
    "truncated-in-attribute.xml": registry()[: registry().index('bitpos="40"') + 9],
    "not-a-registry.xml": "<?xml version=\"1.0\"?>\n<html><body/></html>\n",
    "empty-registry.xml": "<?xml version=\"1.0\"?>\n<registry/>\n",
    "no-features.xml": registry().replace(HEAD[HEAD.index("    <feature"):HEAD.index("    <extensions>")], ""),
    "billion-laughs.xml": """<?xml version="1.0"?>
<!DOCTYPE registry [
  <!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
  <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
  <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<registry><comment>&i;</comment></registry>
""",
    "external-entity.xml": """<?xml version="1.0"?>
<!DOCTYPE registry [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
<registry><comment>&x;</comment></registry>
""",
    # Values the rules cannot give.
    "value-not-integer.xml": registry('                <enum value="three" extends="VkFoo" name="VK_FOO_B"/>\n'),
    "value-float.xml": registry('                <enum value="1.5" extends="VkFoo" name="VK_FOO_B"/>\n'),
    "value-beyond-i32.xml": registry('                <enum value="2147483648" extends="VkFoo" name="VK_FOO_B"/>\n'),
    "value-below-i32.xml": registry('                <enum value="-2147483649" extends="VkFoo" name="VK_FOO_B"/>\n'),
    "bitmask-value-negative.xml": registry('                <enum value="-1" extends="VkBarFlagBits" name="VK_BAR_B"/>\n'),
    "bitpos-32-on-32-bit.xml": registry('                <enum bitpos="32" extends="VkBarFlagBits" name="VK_BAR_B_BIT"/>\n'),
    "bitpos-64.xml": registry('                <enum bitpos="64" extends="VkWideFlagBits2" name="VK_WIDE_2_B_BIT"/>\n'),
    "bitpos-negative.xml": registry('                <enum bitpos="-1" extends="VkBarFlagBits" name="VK_BAR_B_BIT"/>\n'),
    "offset-1000.xml": registry('                <enum offset="1000" extends="VkFoo" name="VK_FOO_B"/>\n'),
    "offset-negative.xml": registry('                <enum offset="-1" extends="VkFoo" name="VK_FOO_B"/>\n'),
    "extnumber-zero.xml": registry('                <enum offset="0" extnumber="0" extends="VkFoo" name="VK_FOO_B"/>\n'),
    "dir-unknown.xml": registry('                <enum offset="0" dir="*" extends="VkFoo" name="VK_FOO_B"/>\n'),
    "enum-without-value.xml": registry('                <enum extends="VkFoo" name="VK_FOO_B"/>\n'),
    "unknown-enum-attribute.xml": registry('                <enum valueexpr="1+1" extends="VkFoo" name="VK_FOO_B"/>\n'),
    # Names that do not resolve.
    "extends-unknown-type.xml": registry('                <enum offset="0" extends="VkMissing" name="VK_MISSING_X"/>\n'),
    "alias-unknown.xml": registry('                <enum extends="VkFoo" name="VK_FOO_B" alias="VK_FOO_NOPE"/>\n'),
    "alias-cycle.xml": registry(
        '                <enum extends="VkFoo" name="VK_FOO_B" alias="VK_FOO_C"/>\n'
        '                <enum extends="VkFoo" name="VK_FOO_C" alias="VK_FOO_B"/>\n'
    ),
    "alias-self.xml": registry('                <enum extends="VkFoo" name="VK_FOO_B" alias="VK_FOO_B"/>\n'),
    # A name that cannot be an identifier; and such a name beside another error of the
    # values, which is the one reported (names are checked last).
    "enumerant-not-an-identifier.xml": registry('                <enum bitpos="1" extends="VkBarFlagBits" name="VK_BAR_B-X"/>\n'),
    "bad-name-and-alias-cycle.xml": registry(
        '                <enum bitpos="1" extends="VkBarFlagBits" name="VK_BAR_B-X"/>\n'
        '                <enum extends="VkFoo" name="VK_FOO_B" alias="VK_FOO_C"/>\n'
        '                <enum extends="VkFoo" name="VK_FOO_C" alias="VK_FOO_B"/>\n'
    ),
    "duplicate-different-values.xml": registry(
        '                <enum offset="0" extends="VkFoo" name="VK_FOO_B"/>\n'
        '                <enum offset="1" extends="VkFoo" name="VK_FOO_B"/>\n'
    ),
    "enums-without-name.xml": registry().replace('<enums name="VkFoo" type="enum">', '<enums type="enum">'),
    # Extensions.
    "two-extensions-one-number.xml": registry(
        extensions='        <extension name="VK_KHR_other" number="1" supported="vulkan"><require/></extension>\n'
    ),
    "extension-without-number-uses-offset.xml": registry(
        extensions='        <extension name="VK_KHR_nonumber" supported="vulkan"><require>\n'
        '            <enum offset="0" extends="VkFoo" name="VK_FOO_NONUMBER"/>\n'
        "        </require></extension>\n"
    ),
    # Valid registries that must generate.
    "ok-alias-chain.xml": registry(
        '                <enum extends="VkFoo" name="VK_FOO_B" alias="VK_FOO_C"/>\n'
        '                <enum extends="VkFoo" name="VK_FOO_C" alias="VK_FOO_D"/>\n'
        '                <enum extends="VkFoo" name="VK_FOO_D" alias="VK_FOO_A"/>\n'
    ),
    "ok-duplicate-equal-values.xml": registry(
        '                <enum offset="0" extends="VkFoo" name="VK_FOO_B"/>\n',
        extensions='        <extension name="VK_KHR_also" number="2" supported="vulkan"><require>\n'
        '            <enum offset="0" extnumber="1" extends="VkFoo" name="VK_FOO_B"/>\n'
        "        </require></extension>\n",
    ),
    "ok-disabled-extension-odd-entries.xml": registry(
        extensions='        <extension name="VK_KHR_reserved" number="3" supported="disabled"><require>\n'
        '            <enum bitpos="40" extends="VkBarFlagBits" name="VK_BAR_RESERVED_BIT"/>\n'
        '            <enum offset="5000" extends="VkFoo" name="VK_FOO_RESERVED"/>\n'
        '            <enum value="x" extends="VkMissing" name="VK_MISSING_RESERVED"/>\n'
        "        </require></extension>\n"
    ),
    "ok-unknown-elements-warned.xml": registry()
    .replace("    <types>\n", "    <types>\n        <newthing name=\"x\"/>\n")
    .replace('<enums name="VkFoo" type="enum">', '<enums name="VkFoo" type="enum" newattr="1">'),
}

for name, text in CASES.items():
    (HERE / name).write_text(text, encoding="utf-8")

# Invalid UTF-8: a byte that starts no character, inside a name.
(HERE / "invalid-utf8.xml").write_bytes(registry().replace("VK_FOO_A", "VK_FOO_\udcff", 1).encode("utf-8", "surrogateescape"))
print(len(CASES) + 1, "cases written")
