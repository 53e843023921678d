import { strict as assert } from 'node:assert';
import { settingsMarkdown } from '../../../../src/core/ui/explorer/commands/showSettings';

describe('Show Settings document', () => {
  it('has one table per kind of setting, escapes cells and says when a kind has none', () => {
    const text = settingsMarkdown('Order Portal — Production', {
      constants: [
        { name: 'Email.SMTPHost', dataType: 'String', value: 'smtp|x', deployedValue: 'smtp' },
        { name: 'Mod.Key', value: null },
      ],
      scheduledEvents: [{ name: 'Mod.Nightly', value: 'Enabled', deployedValue: 'Disabled' }],
      customSettings: [{ name: 'Note', value: 'two\r\nlines' }],
    });
    assert.equal(
      text,
      [
        '# Settings of Order Portal — Production',
        '',
        '## Constants',
        '',
        '| Name | Type | Value (next start) | Value in effect |',
        '| --- | --- | --- | --- |',
        '| Email.SMTPHost | String | smtp\\|x | smtp |',
        '| Mod.Key |  |  |  |',
        '',
        '## Scheduled events',
        '',
        '| Name | Next start | In effect |',
        '| --- | --- | --- |',
        '| Mod.Nightly | Enabled | Disabled |',
        '',
        '## Custom runtime settings',
        '',
        '| Name | Value |',
        '| --- | --- |',
        '| Note | two lines |',
        '',
        'Changed values apply at the next restart. Environment variables, HTTP headers and access restrictions are not readable through the API.',
        '',
      ].join('\n'),
    );
    const empty = settingsMarkdown('Temp — Test', { constants: [], scheduledEvents: [], customSettings: [] });
    assert.equal(empty.split('\n').filter((l) => l === '_None._').length, 3);
    assert.ok(!empty.includes('| Name |'));
  });
});
