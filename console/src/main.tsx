import { Button, DataTable, DataTableRow, DataTableCell, TableBody, LinearLoader, InputField, SingleSelectField, SingleSelectOption, Switch, NoticeBox, Modal, TabBar, Tab } from '@dhis2/ui';
import i18n from '@dhis2/d2-i18n';
import '@fontsource/roboto/400.css';
import { createRoot } from 'react-dom/client';

createRoot(document.getElementById('root')!).render(
  <div>
    <Button primary>{i18n.t('Hello')}</Button>
    <LinearLoader amount={40} />
    <InputField label="x" />
    <SingleSelectField label="y"><SingleSelectOption label="a" value="a" /></SingleSelectField>
    <Switch label="s" />
    <NoticeBox title="n">t</NoticeBox>
    <TabBar><Tab>A</Tab></TabBar>
    <DataTable><TableBody><DataTableRow><DataTableCell>1</DataTableCell></DataTableRow></TableBody></DataTable>
  </div>,
);
