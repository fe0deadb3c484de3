"""Word and Excel documents made from the store (登记表 …). Qt-free: the UI runs these on a worker thread."""


class ExportCancelled(Exception):
    """The user cancelled an export; every file the export had written is gone again."""

    def __init__(self, message: str = "已取消导出，本次导出的文件均已删除"):
        super().__init__(message)
