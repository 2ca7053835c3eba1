"""The ``disclose`` command line: one click group, thin commands."""

from __future__ import annotations

import sys

import click

from . import __version__
from .errors import UserError


class Group(click.Group):
    """Turns UserError into a Chinese message and an exit code, never a traceback."""

    def main(self, *args, **kwargs):  # type: ignore[override]
        """Usage errors in Chinese (click's own frame is English), exit code 2."""
        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "disclose"
            click.echo(f"用法错误：{exc.format_message()}\n（运行“{command} --help”查看用法）", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"错误：{exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("已中断。", err=True)
            sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(exc.report(), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            sys.exit(130)


CONTEXT = {"help_option_names": ["-h", "--help"]}


@click.group(cls=Group, context_settings=CONTEXT, help="部门预算公开生成器：一份 YAML，自动推导全部数字，生成 DOCX 与 PDF。")
@click.version_option(__version__, "-V", "--version", message="disclose %(version)s")
def main() -> None:
    pass


def _register() -> None:
    from .commands import build, check, formats, new, schema  # noqa: F401


_register()
