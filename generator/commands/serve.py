"""disclose serve: a local preview of a folder's departments, live as the files are saved."""

from __future__ import annotations

import errno
import ipaddress
from pathlib import Path

import click

from ..cli import main
from ..errors import UserError


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@main.command("serve", help="在浏览器中预览文件夹中的全部部门：逐页显示将要打印的文档，保存文件后自动刷新；"
                            "列出检查出的问题并指向文档中的位置；可下载与 disclose build 完全相同的 PDF 和 DOCX。"
                            "只读取文件，不修改任何部门文件。按 Ctrl-C 停止。")
@click.argument("target", required=False, default=".", metavar="[文件夹或文件]",
                type=click.Path(path_type=Path))
@click.option("--port", "-p", type=int, default=8000, metavar="端口",
              help="端口号，默认 8000（0：自动选择空闲端口）。")
@click.option("--host", default="127.0.0.1", metavar="地址",
              help="监听地址，默认 127.0.0.1：只有本机可以访问；改为其他地址会让网络中的其他计算机也能访问（无需密码）。")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
              help="额外的格式文件夹（覆盖内置格式）。")
def serve_command(target: Path, port: int, host: str, templates: Path | None) -> None:
    from ..serve.app import bind, create_app, serve
    from ..serve.state import Registry

    if not target.exists():
        raise click.UsageError(f"找不到文件或文件夹“{target}”")
    if not 0 <= port <= 65535:
        raise click.UsageError(f"端口号应在 0 到 65535 之间，实际是 {port}")
    registry = Registry(target, templates)
    registry.scan()
    try:
        sock = bind(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UserError(f"端口 {port} 已被占用：请用 --port 指定其他端口（--port 0 自动选择）") from None
        raise UserError(f"无法在 {host}:{port} 上监听：{exc.strerror or exc}") from None
    actual = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    if not _loopback(host):
        click.secho(f"注意：监听 {host}，网络中的其他计算机也能访问本预览（无需密码）。", fg="yellow", err=True)
        allowed = {"*"} if host in ("0.0.0.0", "::") else {host.strip("[]"), shown, "127.0.0.1", "localhost", "::1", "[::1]"}
    else:
        allowed = {"127.0.0.1", "localhost", "::1", "[::1]", host}
    n = len(registry.departments)
    where = registry.single.name if registry.single else str(target)
    click.echo(f"正在预览 {where}（{n} 个部门文件）：http://{shown}:{actual}/", err=True)
    click.echo("保存文件后页面自动刷新；按 Ctrl-C 停止。", err=True)
    app = create_app(registry, allowed)
    try:
        serve(app, sock)
    finally:
        sock.close()
    click.echo("已停止。", err=True)
