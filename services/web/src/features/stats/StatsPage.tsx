import type { MessageStats } from '@integrations/contracts';
import { BarChart, DonutChart } from '@mantine/charts';
import {
  Anchor,
  Box,
  Card,
  Group,
  Progress,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useDirectory, useStats } from '../../api/queries';
import { useNames } from '../../components/names';
import { QueryState } from '../../components/QueryState';
import { INTEGRATION_LABELS } from '../../components/format';
import { perDay, perIntegration, sessionHealth, totals } from './aggregate';

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Card withBorder>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={28} fw={700} data-testid={`figure-${label}`}>
        {value}
      </Text>
    </Card>
  );
}

/** A chart is one picture to a screen reader: its label says what it shows, the figures next to it the numbers. */
function Chart({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Box role="img" aria-label={label}>
      {children}
    </Box>
  );
}

const KIND_LABEL = { bot: 'Bot', account: 'Account', channel: 'Channel' } as const;

/** Per bot, account and channel: a bar each, linking to that integration's messages in the activity log. */
function PerResource({ stats }: { stats: MessageStats }) {
  const names = useNames();
  const rows = stats.resources ?? [];
  if (rows.length === 0) return <Text c="dimmed">No messages in this period.</Text>;
  const most = Math.max(...rows.map((r) => r.sent + r.failed + r.received), 1);
  return (
    <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
      {rows.map((row) => {
        const name =
          names.resource(row.resourceId) ?? `${KIND_LABEL[row.resourceType]} (removed or not listed)`;
        const part = (n: number) => (n / most) * 100;
        return (
          <li key={row.resourceId}>
            <Anchor
              component={Link}
              to={`/activity?resourceId=${encodeURIComponent(row.resourceId)}&from=${stats.from}`}
              underline="hover"
              c="inherit"
            >
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Text size="sm" fw={500} truncate>
                  {KIND_LABEL[row.resourceType]} {name}
                </Text>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {row.sent} sent · {row.failed} failed · {row.received} received
                </Text>
              </Group>
              <Progress.Root size="lg" mt={4} aria-hidden>
                <Progress.Section value={part(row.sent)} color="teal.7" />
                <Progress.Section value={part(row.failed)} color="red.7" />
                <Progress.Section value={part(row.received)} color="blue.5" />
              </Progress.Root>
            </Anchor>
          </li>
        );
      })}
    </Stack>
  );
}

export function StatsPage() {
  const [days, setDays] = useState('14');
  const stats = useStats(Number(days));
  const accounts = useDirectory('accounts');
  const bots = useDirectory('bots');
  const health = sessionHealth(accounts.data ?? [], bots.data ?? []);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Statistics</Title>
        <SegmentedControl
          aria-label="Period"
          value={days}
          onChange={setDays}
          data={[
            { value: '7', label: '7 days' },
            { value: '14', label: '14 days' },
            { value: '30', label: '30 days' },
          ]}
        />
      </Group>
      <QueryState query={stats} isEmpty={() => false} empty={{ title: '', hint: '' }}>
        {(data) => {
          const sum = totals(data);
          return (
            <>
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <Figure label="Sent" value={String(sum.sent)} />
                <Figure label="Failed" value={String(sum.failed)} />
                <Figure label="Failure rate" value={`${(sum.failureRate * 100).toFixed(1)} %`} />
              </SimpleGrid>
              <Card withBorder>
                <Title order={3} size="h4" mb="sm">
                  Messages per day
                </Title>
                <Chart label={`Messages sent, failed and received per day, ${data.from} to ${data.to}`}>
                  <BarChart
                    h={260}
                    data={perDay(data)}
                    dataKey="date"
                    type="stacked"
                    series={[
                      { name: 'sent', label: 'Sent', color: 'teal.7' },
                      { name: 'failed', label: 'Failed', color: 'red.7' },
                      { name: 'received', label: 'Received', color: 'blue.5' },
                    ]}
                    withLegend
                    tickLine="y"
                    xAxisProps={{ tickFormatter: (value: string) => value.slice(5) }}
                  />
                </Chart>
              </Card>
              <Card withBorder>
                <Title order={3} size="h4" mb={4}>
                  By bot, account and channel
                </Title>
                <Text size="sm" c="dimmed" mb="sm">
                  A post to a channel counts for the channel. Open one to see its messages in the activity
                  log.
                </Text>
                <PerResource stats={data} />
              </Card>
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                <Card withBorder>
                  <Title order={3} size="h4" mb="sm">
                    By integration
                  </Title>
                  {data.days.length === 0 ? (
                    <Text c="dimmed">No messages in this period.</Text>
                  ) : (
                    <Chart label="Messages sent and failed per integration type">
                      <BarChart
                        h={220}
                        data={perIntegration(data, INTEGRATION_LABELS)}
                        dataKey="integration"
                        series={[
                          { name: 'sent', label: 'Sent', color: 'teal.7' },
                          { name: 'failed', label: 'Failed', color: 'red.7' },
                        ]}
                        withLegend
                      />
                    </Chart>
                  )}
                </Card>
                <Card withBorder>
                  <Title order={3} size="h4" mb="sm">
                    Session health
                  </Title>
                  {health.length === 0 ? (
                    <Text c="dimmed">No accounts or bots connected.</Text>
                  ) : (
                    <Group>
                      <Chart label="Accounts and bots by status">
                        <DonutChart data={health} withLabels withTooltip />
                      </Chart>
                      <Stack gap={4}>
                        {health.map((slice) => (
                          <Text key={slice.name} size="sm">
                            {slice.name}: {slice.value}
                          </Text>
                        ))}
                      </Stack>
                    </Group>
                  )}
                </Card>
              </SimpleGrid>
            </>
          );
        }}
      </QueryState>
    </Stack>
  );
}
