"""Names a person types, each rule defined once, as the Chinese page of its action states it: lengths are counted in
characters, a Chinese character (汉字) being one, never in bytes."""

from __future__ import annotations

import re

# CJK Unified Ideographs with extension A and the compatibility block: what the documentation calls 汉字.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# A member's display name (CreateResourceAccount, CreateCloudAccount, UpdateAccount's NewDisplayName): 2-50 of
# 汉字, letters, digits, '_', '.', '-' and space.
MEMBER_DISPLAY_NAME = re.compile(rf"^[A-Za-z0-9_. \-{HAN}]{{2,50}}$")
MAX_MEMBER_DISPLAY_NAME = 50

# A folder's name (CreateFolder, UpdateFolder's NewFolderName): 1-24 of 汉字, letters, digits, '_', '.', '-'.
FOLDER_NAME = re.compile(rf"^[A-Za-z0-9_.\-{HAN}]{{1,24}}$")
MAX_FOLDER_NAME = 24

# The label of an account the control API creates (shown by the console): any 1-50 printable characters.
ACCOUNT_LABEL = re.compile(r"^[^\x00-\x1f\x7f]{1,50}$")


def valid_member_display_name(name: str) -> bool:
    return MEMBER_DISPLAY_NAME.fullmatch(name) is not None


def valid_folder_name(name: str) -> bool:
    return FOLDER_NAME.fullmatch(name) is not None


# A resource group's display name (CreateResourceGroup's DisplayName, UpdateResourceGroup's NewDisplayName): 1-50
# characters, 汉字 among them; not spaces alone.
MAX_RESOURCE_GROUP_DISPLAY_NAME = 50
# A resource group's name, its unique identifier in the account: 2-50 of letters, digits and '-', starting with a
# letter.
RESOURCE_GROUP_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$", re.ASCII)
MAX_RESOURCE_GROUP_NAME = 50


def valid_resource_group_display_name(name: str) -> bool:
    return 1 <= len(name) <= MAX_RESOURCE_GROUP_DISPLAY_NAME and name.strip() != ""


def valid_resource_group_name(name: str) -> bool:
    return 2 <= len(name) <= MAX_RESOURCE_GROUP_NAME and RESOURCE_GROUP_NAME.fullmatch(name) is not None
