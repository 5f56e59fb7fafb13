"""Prints the reference enumerant set of a registry release from Khronos' own registry model
(the PyPI package vulkan-object): c_type<TAB>c_name<TAB>value, one line per enumerant,
aliases included, as ../shared/registry/*/enumerants.tsv. Run with the package importable."""
import sys

from vulkan_object import get_vulkan_object


def main():
    vo = get_vulkan_object()
    rows = set()
    for enum in vo.enums.values():
        for field in enum.fields:
            value = -abs(field.value) if field.negative else field.value
            for name in [field.name, *field.aliases]:
                rows.add((enum.name, name, value))
    for bitmask in vo.bitmasks.values():
        for flag in bitmask.flags:
            for name in [flag.name, *flag.aliases]:
                rows.add((bitmask.name, name, flag.value))
    out = sys.stdout
    for c_type, c_name, value in sorted(rows):
        out.write(f"{c_type}\t{c_name}\t{value}\n")


if __name__ == "__main__":
    main()
